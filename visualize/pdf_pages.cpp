#include "visualize/pdf_pages.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <stdexcept>

namespace pp::visualize {

namespace {

struct PdfObject {
  int number = 0;
  std::string head;    // the dictionary (or value) before `stream`, without `N 0 obj`
  std::string stream;  // from `stream` to the end of the object, verbatim (binary)
};

[[noreturn]] void malformed(const std::string& why) {
  throw std::runtime_error("cannot join PDF pages: " + why);
}

// The objects of one document, read through its cross-reference table.
std::vector<PdfObject> read_objects(const std::string& pdf) {
  size_t sx = pdf.rfind("startxref");
  if (sx == std::string::npos) malformed("no startxref");
  size_t xref = std::strtoul(pdf.c_str() + sx + 9, nullptr, 10);
  if (xref >= pdf.size() || pdf.compare(xref, 4, "xref") != 0) malformed("no classic cross-reference table");
  size_t at = pdf.find('\n', xref) + 1;
  char* end = nullptr;
  long first = std::strtol(pdf.c_str() + at, &end, 10);
  long count = std::strtol(end, &end, 10);
  at = pdf.find('\n', static_cast<size_t>(end - pdf.c_str())) + 1;
  std::vector<std::pair<size_t, int>> offsets;  // offset, number
  for (long i = 0; i < count; ++i, at += 20) {
    if (at + 18 > pdf.size()) malformed("short cross-reference table");
    if (pdf[at + 17] != 'n') continue;
    offsets.push_back({std::strtoul(pdf.c_str() + at, nullptr, 10), static_cast<int>(first + i)});
  }
  std::sort(offsets.begin(), offsets.end());
  std::vector<PdfObject> out;
  for (size_t k = 0; k < offsets.size(); ++k) {
    size_t begin = offsets[k].first;
    size_t stop = k + 1 < offsets.size() ? offsets[k + 1].first : xref;
    std::string text = pdf.substr(begin, stop - begin);
    size_t obj = text.find(" obj");
    if (obj == std::string::npos) malformed("an object without `obj`");
    PdfObject o;
    o.number = offsets[k].second;
    std::string body = text.substr(obj + 4);
    size_t s = body.find("stream");
    if (s != std::string::npos && (s < 3 || body.compare(s - 3, 3, "end") != 0)) {
      o.head = body.substr(0, s);
      o.stream = body.substr(s);
    } else {
      o.head = body;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string renumber(const std::string& head, int base) {
  static const std::regex ref(R"((\d+) (\d+) R)");
  std::string out;
  auto it = std::sregex_iterator(head.begin(), head.end(), ref);
  size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    out += head.substr(last, static_cast<size_t>(it->position()) - last);
    out += std::to_string(std::stoi((*it)[1]) + base) + " " + (*it)[2].str() + " R";
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + head.substr(last);
}

}  // namespace

std::string join_pdf_pages(const std::vector<std::string>& documents) {
  static const std::regex parent(R"(/Parent \d+ \d+ R)");
  std::string out = "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n";
  std::map<int, size_t> offset;  // new object number -> byte offset
  std::vector<int> pages;
  int base = 0, top = 0;
  std::vector<std::pair<int, std::string>> objects;
  for (const auto& pdf : documents) {
    int highest = 0;
    for (auto& o : read_objects(pdf)) {
      highest = std::max(highest, o.number);
      if (o.head.find("/Type /Catalog") != std::string::npos || o.head.find("/Type /Pages") != std::string::npos)
        continue;
      std::string head = renumber(o.head, base);
      if (head.find("/Type /Page") != std::string::npos) {
        pages.push_back(o.number + base);
        head = std::regex_replace(head, parent, "/Parent @PAGES@");
      }
      objects.push_back({o.number + base, head + o.stream});
    }
    base += highest;
    top = base;
  }
  if (pages.empty()) malformed("no page");
  const int pages_obj = top + 1, catalog = top + 2;
  const std::string pages_ref = std::to_string(pages_obj) + " 0 R";
  for (auto& [number, text] : objects) {
    size_t at = text.find("@PAGES@");
    if (at != std::string::npos) text.replace(at, 7, pages_ref);
    offset[number] = out.size();
    out += std::to_string(number) + " 0 obj" + text;
  }
  offset[pages_obj] = out.size();
  out += std::to_string(pages_obj) + " 0 obj\n<< /Type /Pages\n   /Kids [";
  for (int p : pages) out += " " + std::to_string(p) + " 0 R";
  out += " ]\n   /Count " + std::to_string(pages.size()) + "\n>>\nendobj\n";
  offset[catalog] = out.size();
  out += std::to_string(catalog) + " 0 obj\n<< /Type /Catalog\n   /Pages " + pages_ref + "\n>>\nendobj\n";
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(catalog + 1) + "\n0000000000 65535 f \n";
  char line[32];
  for (int n = 1; n <= catalog; ++n) {
    auto it = offset.find(n);
    if (it == offset.end()) std::snprintf(line, sizeof line, "0000000000 65535 f \n");
    else std::snprintf(line, sizeof line, "%010zu 00000 n \n", it->second);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(catalog + 1) + "\n   /Root " + std::to_string(catalog) +
         " 0 R\n>>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace pp::visualize
