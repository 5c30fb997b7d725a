// Opens a churnwatch HTML report in Debian's headless Chromium (playwright-core, no browser
// download), fails on any console error or page error, takes a screenshot in English and
// in Chinese, and checks that the expected key numbers and headings are visible in each.
//
// usage: node report_screenshot.js REPORT.html EXPECTED.json OUT_DIR
//   EXPECTED.json: {"en": ["12,345", ...], "zh": ["12,345", "预警分级", ...]}
// Exit codes: 0 pass, 1 fail, 77 skipped (no Chromium).
'use strict';
const fs = require('fs');
const path = require('path');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function main() {
  const [report, expectedFile, outDir] = process.argv.slice(2);
  if (!report || !expectedFile || !outDir) {
    console.error('usage: node report_screenshot.js REPORT.html EXPECTED.json OUT_DIR');
    return 1;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} not found (install Debian's chromium: scripts/install-deps)`);
    return 77;
  }
  const { chromium } = require('playwright-core');
  const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));
  fs.mkdirSync(outDir, { recursive: true });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
    });

    const url = 'file://' + path.resolve(report) + '#en';
    await page.goto(url, { waitUntil: 'load' });
    const check = async (lang) => {
      const text = await page.evaluate(() => document.body.innerText);
      for (const want of expected[lang] || []) {
        if (!text.includes(want)) problems.push(`${lang}: "${want}" not visible on the page`);
      }
      const shot = path.join(outDir, `report_${lang}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      if (fs.statSync(shot).size < 10000) problems.push(`${lang}: screenshot ${shot} is suspiciously small`);
      console.log(`${lang}: screenshot ${shot}`);
      return text;
    };
    const en = await check('en');
    if (/[\u4e00-\u9fff]{2,}/.test(en.replace('中文', ''))) problems.push('en: Chinese text visible in English mode');
    await page.click('#lang');
    const zh = await check('zh');
    if (zh.includes('Risk zones')) problems.push('zh: English heading visible in Chinese mode');
    const hash = await page.evaluate(() => location.hash);
    if (hash !== '#zh') problems.push(`toggle did not record the language in the address (hash ${hash})`);
  } finally {
    await browser.close();
  }
  for (const p of problems) console.error('FAIL: ' + p);
  if (problems.length === 0) console.log('PASS: report renders without console errors in both languages');
  return problems.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => { console.error('FAIL: ' + (err.stack || err)); process.exit(1); });
