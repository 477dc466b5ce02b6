// `policyproof report` end to end: the report for CMM-607 with three cases,
// loaded in a real browser (headless Chromium), validated with tidy and
// xmllint, and checked for what a reader must find in it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "model/embedded_files.h"
#include "model/policy.h"
#include "report/page.h"
#include "support/run.h"

namespace fs = std::filesystem;

namespace {

const char* kCases[] = {"approved-acute.case.json", "denied-subacute.case.json", "partial-undetermined.case.json"};

// The report, written once per process (and removed at exit).
struct ReportDir {
  std::string path;
  ReportDir() : path(pp::test::temp_path("report")) {
    std::string args = "report --output " + path;
    for (const char* c : kCases) args += std::string(" --case ") + PP_SOURCE_DIR + "/tests/report/cases/" + c;
    auto r = pp::test::run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  ~ReportDir() { fs::remove_all(path); }
};

const std::string& report_dir() {
  static const ReportDir dir;
  return dir.path;
}

std::string page() { return pp::test::slurp(report_dir() + "/index.html"); }

// The DOM as Chromium built it from the page (script-free pages too: this is
// what a reader's browser shows).
const pp::test::BrowserRun& dumped() {
  static const pp::test::BrowserRun r = [] {
    REQUIRE(!pp::test::chromium_binary().empty());  // setup.sh installs Debian's chromium
    return pp::test::chromium("file://" + report_dir() + "/index.html", "--enable-logging=stderr --v=0 --dump-dom");
  }();
  return r;
}

}  // namespace

TEST_CASE("the report for CMM-607 with three cases, as written") {
  SECTION("a static site: index.html, one stylesheet, the pictures, nothing fetched") {
    const std::string dir = report_dir();
    for (const char* f : {"index.html", "style.css", "decision-graph.svg", "case-1.svg", "case-2.svg", "case-3.svg"}) {
      INFO(f);
      CHECK(fs::is_regular_file(dir + "/" + f));
    }
    std::string html = page();
    std::string css = pp::test::slurp(dir + "/style.css");
    CHECK(html.find("<script") == std::string::npos);  // no JavaScript at all
    CHECK(html.find("<img") == std::string::npos);     // pictures are inline SVG
    // Nothing that a browser would fetch from the network: every src, href and
    // stylesheet url() is an anchor or a file beside the page.
    for (const char* attr : {"src", "href", "xlink:href", "data"}) {
      for (const auto& v : pp::test::attribute_values(html, attr)) {
        INFO(attr << "=" << v);
        CHECK(v.find("://") == std::string::npos);
        CHECK(v.rfind("//", 0) != 0);
        if (!v.empty() && v[0] != '#') CHECK(fs::is_regular_file(dir + "/" + v));
      }
    }
    CHECK(css.find("url(") == std::string::npos);
    CHECK(css.find("@import") == std::string::npos);
    CHECK(css.find("@font-face") == std::string::npos);
    CHECK(css.find("@media print") != std::string::npos);
    // One stylesheet.
    CHECK(pp::test::attribute_values(html, "rel") == std::vector<std::string>{"stylesheet"});
  }

  SECTION("valid HTML (tidy) and well-formed (xmllint)") {
    std::string file = report_dir() + "/index.html";
    std::string log = pp::test::temp_path("tidy.log");
    int tidy = std::system(("tidy -e -q " + file + " >" + log + " 2>&1").c_str());
    std::string tidy_out = pp::test::slurp(log);
    INFO(tidy_out);
    CHECK(WEXITSTATUS(tidy) == 0);  // 1 = warnings, 2 = errors
    CHECK(tidy_out.empty());
    int xml = std::system(("xmllint --noout " + file + " >" + log + " 2>&1").c_str());
    std::string xml_out = pp::test::slurp(log);
    INFO(xml_out);
    CHECK(WEXITSTATUS(xml) == 0);
    std::filesystem::remove(log);
  }

  SECTION("accessible basics: lang, one h1, headings in order, named pictures, unique ids") {
    std::string html = page();
    CHECK(html.find("<html lang=\"en\">") != std::string::npos);
    auto levels = pp::test::heading_levels(html);
    REQUIRE(!levels.empty());
    CHECK(levels[0] == 1);
    CHECK(std::count(levels.begin(), levels.end(), 1) == 1);
    for (size_t i = 1; i < levels.size(); ++i) {
      INFO("heading " << i << ": h" << levels[i - 1] << " then h" << levels[i]);
      CHECK(levels[i] <= levels[i - 1] + 1);
    }
    // Every picture has a role and an accessible name.
    size_t svgs = 0;
    for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
      ++svgs;
      std::string tag = html.substr(at, html.find('>', at) - at);
      INFO(tag);
      CHECK(tag.find("role=\"img\"") != std::string::npos);
      CHECK(tag.find("aria-label=\"") != std::string::npos);
    }
    CHECK(svgs == 8);  // the overview, three pathways, the exclusions, and one path per case
    auto ids = pp::test::attribute_values(html, "id");
    std::set<std::string> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
  }
}

// One browser run per process: ctest runs each TEST_CASE as its own process.
TEST_CASE("the report for CMM-607 with three cases, in a real browser (headless Chromium)") {
  SECTION("every criterion id and every criterion bullet of the policy is shown") {
    const auto& r = dumped();
    INFO(r.err.substr(0, 2000));
    REQUIRE(r.exit_code == 0);
    const std::string& dom = r.out;
    REQUIRE(dom.find("</html>") != std::string::npos);
    std::string text = pp::test::visible_text(dom);
    std::string norm = pp::test::normalize_text(text);
    auto policy = pp::model::load_bundled_policy();
    auto ids = pp::test::attribute_values(dom, "id");
    std::set<std::string> id_set(ids.begin(), ids.end());
    for (const auto& c : policy->criteria) {
      INFO(c.id);
      CHECK(text.find(c.id) != std::string::npos);  // shown as text, outside the pictures
      CHECK(id_set.count(c.id) == 1);               // and an anchor
      CHECK(norm.find(pp::test::normalize_text(c.text)) != std::string::npos);  // with its policy sentence
    }
    auto bullets = pp::test::policy_bullets(std::string(*pp::model::embedded_file("cmm-607-2026.md")));
    REQUIRE(bullets.size() >= 50);
    for (const auto& b : bullets) {
      INFO(b);
      CHECK(norm.find(b) != std::string::npos);
    }
    // No bullet is flagged as an error: the model encodes them all.
    CHECK(text.find("no criterion encodes this criterion bullet") == std::string::npos);
    // The results are there: analyze findings, prove's properties, each case's decision and corrections.
    for (const auto& a : policy->ambiguities) CHECK(id_set.count(a.id) == 1);
    CHECK(id_set.count("finding-1") == 1);
    CHECK(id_set.count("property-P01.no_upper_thoracic") == 1);
    CHECK(text.find("medically necessary") != std::string::npos);
    CHECK(text.find("undetermined") != std::string::npos);
    for (int i = 1; i <= 3; ++i) CHECK(id_set.count("case-" + std::to_string(i)) == 1);
  }

  SECTION("every internal link resolves to an element") {
    const auto& r = dumped();
    REQUIRE(r.exit_code == 0);
    auto ids = pp::test::attribute_values(r.out, "id");
    std::set<std::string> id_set;
    for (const auto& id : ids) id_set.insert(pp::test::decode_attribute(id));
    size_t links = 0;
    for (const auto& href : pp::test::attribute_values(r.out, "href")) {
      std::string h = pp::test::decode_attribute(href);
      if (h.empty() || h[0] != '#') continue;
      ++links;
      INFO(h);
      CHECK(id_set.count(h.substr(1)) == 1);
    }
    CHECK(links > 500);  // criteria, text, graph nodes, findings, cases link to each other
  }

  SECTION("no console errors") {
    const auto& r = dumped();
    REQUIRE(r.exit_code == 0);
    // Chromium logs page errors as `CONSOLE(...)` / `Uncaught ...` lines on stderr.
    std::istringstream in(r.err);
    std::string line;
    while (std::getline(in, line)) {
      INFO(line);
      CHECK(line.find("Uncaught") == std::string::npos);
      CHECK(line.find(":CONSOLE") == std::string::npos);
      CHECK(line.find("Failed to load resource") == std::string::npos);
    }
  }

  SECTION("a screenshot renders") {
    REQUIRE(!pp::test::chromium_binary().empty());
    std::string shot = pp::test::temp_path("report.png");
    auto r = pp::test::chromium("file://" + report_dir() + "/index.html",
                                "--screenshot=" + shot + " --window-size=1280,4000 --hide-scrollbars");
    INFO(r.err.substr(0, 2000));
    REQUIRE(r.exit_code == 0);
    REQUIRE(fs::is_regular_file(shot));
    std::string png = pp::test::slurp(shot);
    CHECK(png.substr(1, 3) == "PNG");
    CHECK(png.size() > 50000);  // a page with text and pictures, not a blank one
    if (const char* keep = std::getenv("PP_REPORT_SCREENSHOT")) fs::copy_file(shot, keep, fs::copy_options::overwrite_existing);
    fs::remove(shot);
  }

  SECTION("it prints (print stylesheet) to a PDF") {
    REQUIRE(!pp::test::chromium_binary().empty());
    std::string pdf = pp::test::temp_path("report.pdf");
    auto r = pp::test::chromium("file://" + report_dir() + "/index.html", "--print-to-pdf=" + pdf + " --no-pdf-header-footer");
    INFO(r.err.substr(0, 2000));
    REQUIRE(r.exit_code == 0);
    std::string bytes = pp::test::slurp(pdf);
    CHECK(bytes.rfind("%PDF-", 0) == 0);
    // The print stylesheet starts each section on a new page: many pages.
    size_t pages = 0;
    for (size_t at = bytes.find("/Type /Page"); at != std::string::npos; at = bytes.find("/Type /Page", at + 1))
      pages += bytes.compare(at, 12, "/Type /Pages") != 0;
    CHECK(pages >= 10);
    fs::remove(pdf);
  }
}
