// The report as one static HTML page (see html_writer.h): the frame of the
// page (head, masthead, contents, footer) and the order of its sections, each
// written by its own file (see page_writer.h).
#include "reports/html_writer.h"

#include "reports/page_writer.h"

namespace pp::reports {

namespace page {

// ---------------------------------------------------------------- the page

std::string PageWriter::run() {
  out_.reserve(1 << 20);
  raw("<!DOCTYPE html>\n<html lang=\"en\">\n");
  head();
  raw("<body>\n<a class=\"skip\" href=\"#main\">Skip to the report</a>\n");
  masthead();
  contents();
  raw("<main id=\"main\">\n");
  summary();
  decision_graph();
  criteria();
  policy_text();
  ambiguities();
  properties();
  findings();
  cases();
  corpus_coverage();
  definitions();
  facts();
  raw("</main>\n<footer class=\"footer\"><p>Written by ");
  text(d_.generator);
  raw(" from ");
  text(p_.file);
  raw(" (SHA-256 <code>");
  text(p_.sha256);
  raw("</code>). A static page: no script, nothing fetched from the network.</p></footer>\n</body>\n</html>\n");
  return std::move(out_);
}

void PageWriter::head() {
  raw("<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
  text(p_.id + " " + p_.version + ": " + p_.title + " (policyproof report)");
  raw("</title>\n<link rel=\"stylesheet\" href=\"style.css\"/>\n</head>\n");
}

void PageWriter::masthead() {
  raw("<header class=\"masthead\">\n<p class=\"kicker\">policyproof report</p>\n<h1>");
  text(p_.id + " " + p_.version + ": " + p_.title);
  raw("</h1>\n<dl class=\"meta\">\n");
  if (!p_.effective.empty()) {
    raw("<dt>Effective</dt><dd>");
    text(p_.effective);
    raw("</dd>\n");
  }
  raw("<dt>Policy model</dt><dd><code>");
  text(p_.file);
  raw("</code></dd>\n<dt>SHA-256</dt><dd><code class=\"hash\">");
  text(p_.sha256);
  raw("</code></dd>\n<dt>Policy text</dt><dd>");
  text(d_.source ? d_.source->file : std::string("not available"));
  if (!d_.source_note.empty()) {
    raw(" <span class=\"muted\">(");
    text(d_.source_note);
    raw(")</span>");
  }
  raw("</dd>\n</dl>\n</header>\n");
}

void PageWriter::contents() {
  raw("<nav class=\"toc\" aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
  const std::pair<const char*, const char*> items[] = {
      {"summary", "Summary"},
      {"graph", "Decision graph"},
      {"criteria", "Criteria, each traced to its policy sentence"},
      {"policy-text", "The policy text, traced to the criteria"},
      {"ambiguities", "Ambiguities and their readings"},
      {"properties", "Properties (prove)"},
      {"findings", "Analysis findings (analyze)"},
      {"cases", "Cases (explain)"},
      {"corpus-coverage", "Coverage of a corpus of cases (coverage)"},
      {"definitions", "Definitions and codes"},
      {"facts", "Fact vocabulary"},
  };
  for (auto [id, title] : items)
    if (d_.corpus || std::string_view(id) != "corpus-coverage") f("<li><a href=\"#{}\">{}</a></li>\n", id, title);
  raw("</ol>\n</nav>\n");
}

}  // namespace page

std::string write_report_html(const ReportData& data) { return page::PageWriter(data).run(); }

}  // namespace pp::reports
