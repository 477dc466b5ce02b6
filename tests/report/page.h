// Test support for the report: reading an HTML page (as written, or as a
// browser serialised it) with plain string scans, independent of the code
// that wrote it, and running headless Chromium.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>

#include "support/policy_text.h"
#include <set>
#include <string>
#include <vector>

#include "support/run.h"

namespace pp::test {

// The page's text as a reader sees it: <head>, <svg> pictures and tags
// dropped, the few entities the writers use decoded, blanks collapsed.
inline std::string visible_text(const std::string& html) {
  std::string s = html;
  auto drop = [&](const std::string& open, const std::string& close) {
    size_t a;
    while ((a = s.find(open)) != std::string::npos) {
      size_t b = s.find(close, a);
      if (b == std::string::npos) break;
      s.erase(a, b + close.size() - a);
    }
  };
  drop("<head", "</head>");
  drop("<svg", "</svg>");
  std::string out;
  bool tag = false;
  for (char c : s) {
    if (c == '<') tag = true;
    else if (c == '>') { tag = false; out += ' '; }
    else if (!tag) out += c;
  }
  const std::pair<const char*, const char*> entities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
  for (auto [e, r] : entities)
    for (size_t at; (at = out.find(e)) != std::string::npos;) out.replace(at, std::string(e).size(), r);
  return out;
}


// Every value of `attr="..."` in the page.
inline std::vector<std::string> attribute_values(const std::string& html, const std::string& attr) {
  std::vector<std::string> out;
  std::string key = " " + attr + "=\"";
  for (size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
    size_t b = at + key.size();
    size_t e = html.find('"', b);
    if (e == std::string::npos) break;
    out.push_back(html.substr(b, e - b));
  }
  return out;
}

// `&amp;` and friends inside an attribute value.
inline std::string decode_attribute(std::string v) {
  const std::pair<const char*, const char*> entities[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}};
  for (auto [e, r] : entities)
    for (size_t at; (at = v.find(e)) != std::string::npos;) v.replace(at, std::string(e).size(), r);
  return v;
}

// The headings h1..h6 in document order (outside pictures), as levels.
inline std::vector<int> heading_levels(const std::string& html) {
  std::string s = html;
  for (size_t a; (a = s.find("<svg")) != std::string::npos;) {
    size_t b = s.find("</svg>", a);
    if (b == std::string::npos) break;
    s.erase(a, b + 6 - a);
  }
  std::vector<int> out;
  std::regex h("<h([1-6])[ >]");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), h); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str()[0] - '0');
  return out;
}

// The criterion bullets of the policy text (the lists of the urgent/emergent
// conditions, the indications and the non-indications), normalized.
inline std::vector<std::string> policy_bullets(const std::string& src) {
  const std::pair<const char*, const char*> ranges[] = {
      {"## Urgent/Emergent Indications/Conditions", "## Definitions"},
      {"CMM.SP.IN.607.2", "# CMM-607.3: Non-Indications"},
      {"CMM.SP.NI.607.3", "# Codes (CMM-607)"}};
  std::vector<std::string> out;
  for (auto [from, to] : ranges) {
    size_t a = src.find(from), b = src.find(to, a);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::istringstream in(src.substr(a, b - a));
    std::string line;
    while (std::getline(in, line)) {
      size_t first = line.find_first_not_of(" \t");
      if (first != std::string::npos && line.compare(first, 2, "- ") == 0) out.push_back(normalize_text(line.substr(first + 2)));
    }
  }
  return out;
}

inline std::string chromium_binary() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (std::filesystem::exists(c)) return c;
  return "";
}

struct BrowserRun {
  int exit_code = -1;
  std::string out, err;
};

// Runs headless Chromium on `url` with `extra` flags (offline: no background
// networking, no component updates, a fresh profile).
inline BrowserRun chromium(const std::string& url, const std::string& extra) {
  std::string profile = temp_path("chromium-profile");
  std::filesystem::create_directories(profile);
  std::string out = temp_path("chromium.out"), err = temp_path("chromium.err");
  std::string cmd = chromium_binary() +
                    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
                    " --disable-component-update --disable-sync --disable-extensions --user-data-dir=" + profile + " " +
                    extra + " '" + url + "' >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  BrowserRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove_all(profile);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

}  // namespace pp::test
