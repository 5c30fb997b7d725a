// Opens a churnwatch HTML report in Debian's headless Chromium (playwright-core, no browser
// download) at desktop width (1280 px) and phone width (390 px), in English and in Chinese,
// takes a full-page screenshot of each, and fails on:
//   - any console error, page error or network request;
//   - sideways scrolling: the page wider than the window;
//   - anything cut: a visible element reaching past the window's right edge, an SVG text
//     label outside its chart's viewBox, a key figure (#kpi-*) wider than its box;
//   - an expected key number or heading (EXPECTED.json) not visible inside the window;
//   - in Chinese, an English word outside names and codes. Names and codes are the elements
//     marked translate="no" (customer ids, product names, rule and action keys, the model
//     version, the config name, metric names such as ROC-AUC); besides those, only the words
//     of ALLOWED_IN_ZH below may appear (docs/report.md lists them).
//
// usage: node report_screenshot.js REPORT.html EXPECTED.json OUT_DIR
//   EXPECTED.json: {"en": ["12,345", ...], "zh": ["12,345", "预警分级", ...]}
// Exit codes: 0 pass, 1 fail, 77 skipped (no Chromium).
'use strict';
const fs = require('fs');
const path = require('path');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WIDTHS = [1280, 390];
// Abbreviations a Chinese reader sees untranslated in Chinese retail software.
const ALLOWED_IN_ZH = ['App', 'UTF', 'UTC', 'AUC', 'ROC', 'BG', 'NBD'];

// Runs in the page: everything the checks need, measured at the current width and language.
function measure(allowed) {
  const vw = document.documentElement.clientWidth;
  const out = { vw, scrollWidth: document.documentElement.scrollWidth, cut: [], svgCut: [], kpiCut: [],
                englishWords: [], text: document.body.innerText };
  const visible = (el) => el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                       (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 1 || r.left < -1))
      out.cut.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
  }
  for (const svg of document.querySelectorAll('svg')) {
    const vb = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      if (!visible(t)) continue;
      // getBBox is in user units before the rotate() of axis titles; test the rotated box.
      const b = t.getBBox();
      const m = t.transform.baseVal.consolidate();
      const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(
          ([x, y]) => (m ? new DOMPoint(x, y).matrixTransform(m.matrix) : new DOMPoint(x, y)));
      const minX = Math.min(...corners.map((p) => p.x)), maxX = Math.max(...corners.map((p) => p.x));
      const minY = Math.min(...corners.map((p) => p.y)), maxY = Math.max(...corners.map((p) => p.y));
      if (minX < vb.x - 1 || maxX > vb.x + vb.width + 1 || minY < vb.y - 1 || maxY > vb.y + vb.height + 1)
        out.svgCut.push(`"${t.textContent}" at x ${Math.round(minX)}..${Math.round(maxX)} in a ${vb.width} wide chart`);
    }
  }
  for (const k of document.querySelectorAll('[id^="kpi-"]')) {
    const r = k.getBoundingClientRect();
    if (k.scrollWidth > k.clientWidth + 1 || r.right > vw + 1 || r.left < 0)
      out.kpiCut.push(`${k.id} "${k.textContent}" (${k.scrollWidth} px in a ${k.clientWidth} px box)`);
  }
  if (document.body.classList.contains('zh')) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script,style,[translate="no"]') || !visible(el)) continue;
      for (const w of n.textContent.match(/[A-Za-z]{2,}/g) || [])
        if (!allowed.includes(w)) out.englishWords.push(`"${w}" in "${n.textContent.trim().slice(0, 80)}"`);
    }
  }
  return out;
}

// Is `want` shown in a visible element that lies inside the window horizontally?
function visibleInWindow(want) {
  const vw = document.documentElement.clientWidth;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.includes(want)) continue;
    if (el.checkVisibility && !el.checkVisibility()) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width > 0 && r.left >= -1 && r.right <= vw + 1) return true;
  }
  return false;
}

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
    for (const width of WIDTHS) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('request', (req) => {
        if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
      });
      await page.goto('file://' + path.resolve(report) + '#en', { waitUntil: 'load' });
      for (const lang of ['en', 'zh']) {
        if (lang === 'zh') {
          await page.click('#lang');
          const hash = await page.evaluate(() => location.hash);
          if (hash !== '#zh') problems.push(`toggle did not record the language in the address (hash ${hash})`);
        }
        const at = `${lang} ${width} px`;
        const m = await page.evaluate(measure, ALLOWED_IN_ZH);
        if (m.scrollWidth > m.vw) problems.push(`${at}: scrolls sideways (page ${m.scrollWidth} px wide)`);
        for (const c of m.cut.slice(0, 10)) problems.push(`${at}: cut at the window edge: ${c}`);
        for (const c of m.svgCut.slice(0, 10)) problems.push(`${at}: chart label cut: ${c}`);
        for (const c of m.kpiCut) problems.push(`${at}: key figure does not fit: ${c}`);
        for (const w of m.englishWords.slice(0, 20)) problems.push(`${at}: English word in the Chinese view: ${w}`);
        for (const want of expected[lang] || []) {
          if (!m.text.includes(want)) problems.push(`${at}: "${want}" not on the page`);
          else if (!(await page.evaluate(visibleInWindow, want))) problems.push(`${at}: "${want}" not inside the window`);
        }
        if (lang === 'en' && /[\u4e00-\u9fff]{2,}/.test(m.text.replace('中文', '')))
          problems.push(`${at}: Chinese text visible in English mode`);
        const shot = path.join(outDir, `report_${lang}_${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        if (fs.statSync(shot).size < 10000) problems.push(`${at}: screenshot ${shot} is suspiciously small`);
        console.log(`${at}: screenshot ${shot}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.error('FAIL: ' + p);
  if (problems.length === 0)
    console.log(`PASS: no sideways scroll, nothing cut, key numbers visible at ${WIDTHS.join(' and ')} px, ` +
                'in both languages; no English left in the Chinese view outside names and codes');
  return problems.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => { console.error('FAIL: ' + (err.stack || err)); process.exit(1); });
