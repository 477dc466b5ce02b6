// One PDF of several pages, from single-page PDFs (visualize layer): the
// pages of `render --page` are drawn by Graphviz one at a time (cairo writes
// one page per document), and joined here without decoding any stream.
#pragma once
#include <string>
#include <vector>

namespace pp::visualize {

// The pages of `documents`, in order, as one PDF. Each document must have a
// classic cross-reference table (as cairo writes them); their objects are
// renumbered, their Catalog and Pages dropped, and one page tree holds every
// page. Throws std::runtime_error when a document is not of that form.
std::string join_pdf_pages(const std::vector<std::string>& documents);

}  // namespace pp::visualize
