#pragma once
// The sections of the HTML report (report.h), one renderer per section, so that the page
// order lives in one place (html_report.cc) and a new section is a new function:
// manager_sections.cc (data quality, what to do today, customers to contact, zones with
// their legend) and model_section.cc (the statistics). Private to report/.

#include <string>
#include <string_view>

#include "churnwatch/report.h"

namespace churnwatch::report_internal {

/// `<section id=..><h2>en|zh</h2>body</section>`.
std::string Section(std::string_view id, const Bilingual& title, const std::string& body);
/// A value with `decimals` digits, "–" when unknown (NaN or negative).
std::string Fixed(double v, int decimals);
/// A share as a whole percent ("41%"), "–" when unknown.
std::string Percent(double share);
/// Text that is a name or a code and stays as it is in both languages (customer ids,
/// product names, rule and action keys): escaped, in `<span translate="no">`.
std::string Code(std::string_view text);

std::string DataQualitySectionHtml(const ReportData& d);
std::string TodaySectionHtml(const ReportData& d);
std::string TopCustomersSectionHtml(const ReportData& d);
std::string ZonesSectionHtml(const ReportData& d);
std::string ModelSectionHtml(const ReportData& d);

}  // namespace churnwatch::report_internal
