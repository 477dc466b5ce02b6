// Pictures people print or open alone: an SVG whose viewBox holds the whole
// drawing and that scales to its window, and `render --page letter|a4|a3
// [--landscape]`: PDF and PNG on real paper sizes with every text at 9 pt or
// more when printed (a drawing too big for one page is split over a grid of
// pages after a contents page). Checked with poppler-utils: pdfinfo for the
// page size and count, pdftotext -bbox for the height of every word printed.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <regex>

#include "model/policy.h"
#include "visualize/decision_graph.h"
#include "visualize/graphviz_renderer.h"
#include "visualize/pdf_pages.h"
#include "visualize/views.h"
#include "visualize_support.h"

using namespace pp;

namespace {

const std::string kCases = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";

struct Scratch {
  std::string dir = vtest::temp_dir();
  ~Scratch() { vtest::remove_tree(dir); }
  std::string path(const std::string& name) const { return dir + "/" + name; }
};

std::string capture(const std::string& cmd) {
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

struct PdfInfo {
  int pages = 0;
  double width = 0, height = 0;
};

PdfInfo pdf_info(const std::string& file) {
  std::string text = capture("pdfinfo '" + file + "' 2>&1");
  PdfInfo i;
  std::smatch m;
  if (std::regex_search(text, m, std::regex(R"(Pages:\s+(\d+))"))) i.pages = std::stoi(m[1]);
  if (std::regex_search(text, m, std::regex(R"(Page size:\s+([\d.]+) x ([\d.]+) pts)"))) {
    i.width = std::stod(m[1]);
    i.height = std::stod(m[2]);
  }
  return i;
}

// The smallest height of a word pdftotext finds on page `page`, in points;
// DejaVu Sans (Graphviz's Helvetica here) spans 1.164 em from descent to
// ascent, so 9 pt text is 10.47 pt tall.
double smallest_word(const std::string& file, int page) {
  std::string text = capture("pdftotext -bbox -f " + std::to_string(page) + " -l " + std::to_string(page) + " '" +
                             file + "' - 2>/dev/null");
  static const std::regex word(R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)")re");
  double least = 1e9;
  for (std::sregex_iterator it(text.begin(), text.end(), word), end; it != end; ++it)
    least = std::min(least, std::stod((*it)[4]) - std::stod((*it)[2]));
  return least;
}
constexpr double kNinePointWord = 9 * 1.15;

struct Named {
  std::string name, args;
};

std::vector<Named> every_view() {
  return {{"full", ""},
          {"overview", "--view overview"},
          {"exclusions", "--view exclusions"},
          {"pathway-IN.NM", "--view pathway IN.NM"},
          {"pathway-IN.ASP", "--view pathway IN.ASP"},
          {"pathway-IN.MAL", "--view pathway IN.MAL"},
          {"path-approved", "--view path --case " + kCases + "approved-acute.case.json"},
          {"path-denied-t3", "--view path --case " + kCases + "denied-t3.case.json"},
          {"path-denied-unmet", "--view path --case " + kCases + "denied-unmet.case.json"}};
}

double number(const std::string& s) { return std::stod(s); }

}  // namespace

TEST_CASE("an SVG opened alone shows the whole drawing: viewBox around it, sized to the window", "[pages]") {
  Scratch s;
  for (const auto& [name, args] : every_view()) {
    INFO(name);
    auto r = vtest::run("render " + args + " --format svg --output " + s.path(name + ".svg"), s.dir);
    REQUIRE(r.exit_code == 0);
    std::string svg = vtest::slurp(s.path(name + ".svg"));
    std::smatch root;
    REQUIRE(std::regex_search(svg, root, std::regex(R"(<svg ([^>]*)>)")));
    std::string tag = root[1];
    CHECK(tag.find("width=\"100%\"") != std::string::npos);
    CHECK(tag.find("height=\"100%\"") != std::string::npos);
    CHECK(tag.find("preserveAspectRatio=\"xMidYMid meet\"") != std::string::npos);
    std::smatch vb;
    REQUIRE(std::regex_search(tag, vb, std::regex(R"re(viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)")re")));
    const double x0 = number(vb[1]), y0 = number(vb[2]), w = number(vb[3]), h = number(vb[4]);
    CHECK(w > 0);
    CHECK(h > 0);
    // Graphviz draws in a group scaled and translated: every point of every
    // shape and every text, so transformed, lies inside the viewBox.
    std::smatch t;
    REQUIRE(std::regex_search(svg, t, std::regex(R"re(id="graph0" class="graph" transform="scale\(([-\d.]+) ([-\d.]+)\) rotate\(0\) translate\(([-\d.]+) ([-\d.]+)\)")re")));
    const double sx = number(t[1]), sy = number(t[2]), tx = number(t[3]), ty = number(t[4]);
    size_t points = 0, outside = 0;
    auto check = [&](double x, double y) {
      double X = sx * (x + tx), Y = sy * (y + ty);
      ++points;
      if (X < x0 - 1 || X > x0 + w + 1 || Y < y0 - 1 || Y > y0 + h + 1) ++outside;
    };
    static const std::regex poly(R"re(points="([^"]+)")re"), pair(R"(([-\d.]+),([-\d.]+))");
    static const std::regex text(R"re(<text [^>]*x="([-\d.]+)" y="([-\d.]+)")re");
    static const std::regex ellipse(R"re(<ellipse [^>]*cx="([-\d.]+)" cy="([-\d.]+)")re");
    for (std::sregex_iterator it(svg.begin(), svg.end(), poly), end; it != end; ++it) {
      std::string pts = (*it)[1];
      for (std::sregex_iterator p(pts.begin(), pts.end(), pair); p != end; ++p) check(number((*p)[1]), number((*p)[2]));
    }
    for (std::sregex_iterator it(svg.begin(), svg.end(), text), end; it != end; ++it) check(number((*it)[1]), number((*it)[2]));
    for (std::sregex_iterator it(svg.begin(), svg.end(), ellipse), end; it != end; ++it) check(number((*it)[1]), number((*it)[2]));
    CHECK(points > 10);
    CHECK(outside == 0);
  }
}

TEST_CASE("every view on A4: the page size, and every word printed at 9 pt or more", "[pages]") {
  REQUIRE(!capture("command -v pdfinfo pdftotext").empty());  // poppler-utils (setup.sh)
  Scratch s;
  for (bool landscape : {false, true}) {
    for (const auto& [name, args] : every_view()) {
      INFO(name << (landscape ? " landscape" : " portrait"));
      std::string pdf = s.path(name + (landscape ? "-l" : "-p") + ".pdf");
      auto r = vtest::run("render " + args + " --page a4" + (landscape ? " --landscape" : "") + " --output " + pdf, s.dir);
      REQUIRE(r.exit_code == 0);
      PdfInfo info = pdf_info(pdf);
      REQUIRE(info.pages >= 1);
      CHECK(std::fabs(info.width - (landscape ? 841.89 : 595.28)) < 1);
      CHECK(std::fabs(info.height - (landscape ? 595.28 : 841.89)) < 1);
      // One page: the drawing itself. More: a contents page (the drawing
      // reduced), then the drawing at full size on a grid of pages.
      for (int page = info.pages == 1 ? 1 : 2; page <= info.pages; ++page) {
        INFO("page " << page << " of " << info.pages);
        double least = smallest_word(pdf, page);
        if (least < 1e9) CHECK(least >= kNinePointWord);
      }
      if (name.rfind("path-", 0) == 0 && landscape) CHECK(info.pages == 1);  // a case's path fits one page
    }
  }
}

TEST_CASE("render_on_pages: the scale times the smallest font is at least 9 pt", "[pages]") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  std::vector<visualize::ViewRequest> requests = {{visualize::ViewKind::Overview, ""}, {visualize::ViewKind::Exclusions, ""}};
  for (const auto& id : visualize::pathway_ids(dg)) requests.push_back({visualize::ViewKind::Pathway, id});
  for (auto size : {visualize::PageSize::Letter, visualize::PageSize::A4, visualize::PageSize::A3}) {
    for (const auto& rq : requests) {
      INFO(visualize::to_string(rq.kind) << " " << rq.pathway);
      std::string dot = visualize::write_view_dot(visualize::make_view(dg, *p, rq));
      auto pic = visualize::render_on_pages(dot, visualize::Format::Pdf, {size, true});
      CHECK(pic.zoom * pic.smallest_font >= visualize::kMinPrintedFont - 1e-6);
      CHECK(pic.pages == (pic.rows * pic.columns == 1 ? 1 : pic.rows * pic.columns + 1));
      CHECK(pic.bytes.rfind("%PDF-", 0) == 0);
    }
  }
}

TEST_CASE("render --page: a PNG is one page at 150 dpi, and what cannot be done exits 2 with one line", "[pages]") {
  Scratch s;
  auto r = vtest::run("render --view path --case " + kCases + "denied-t3.case.json --page a4 --landscape --output " +
                          s.path("path.png"),
                      s.dir);
  REQUIRE(r.exit_code == 0);
  std::string png = vtest::slurp(s.path("path.png"));
  REQUIRE(png.size() > 24);
  auto be32 = [&](size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
  };
  CHECK(be32(16) == 1754);  // 297 mm at 150 dpi
  CHECK(be32(20) == 1240);  // 210 mm

  struct Bad {
    std::string args, message;
  };
  const std::vector<Bad> bad = {
      {"render --page a4 --output " + s.path("full.png"), "a png is one page (use --format pdf"},
      {"render --page b5 --output " + s.path("x.pdf"), "unknown page size `b5`"},
      {"render --landscape --output " + s.path("x.pdf"), "--landscape needs --page"},
      {"render --page a4 --output " + s.path("x.svg"), "--page is for pdf and png"},
      {"render --page a4 --format mermaid --output " + s.path("x.mmd"), "--page is for pdf and png"},
      {"render --view path --output " + s.path("x.svg"), "--view path needs a case"},
  };
  for (const auto& b : bad) {
    INFO(b.args);
    auto rb = vtest::run(b.args, s.dir);
    CHECK(rb.exit_code == 2);
    CHECK(vtest::count_lines(rb.err) == 1);
    CHECK(rb.err.find(b.message) != std::string::npos);
    CHECK(!vtest::exists(s.path("full.png")));
    CHECK(!vtest::exists(s.path("x.pdf")));
  }
}

TEST_CASE("join_pdf_pages refuses what is not a PDF", "[pages]") {
  CHECK_THROWS_AS(visualize::join_pdf_pages({"not a pdf"}), std::runtime_error);
  CHECK_THROWS_AS(visualize::join_pdf_pages({}), std::runtime_error);
}
