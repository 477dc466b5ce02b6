// The policy's source text (the Markdown the model's `source:` names) read into
// parts and blocks for the report (reports layer): headings, paragraphs,
// bullets, numbered items and table rows, with inline bold/italic/superscript
// kept as per-character styles, and page furniture (running headers, page
// numbers, tables of contents) recognised so the report can leave it out.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/policy.h"

namespace pp::reports {

// Inline styles of one character (bit flags).
enum Style : std::uint8_t { kPlain = 0, kBold = 1, kItalic = 2, kSup = 4 };

// Text with markup removed, and the style of every byte of it.
struct StyledText {
  std::string text;
  std::vector<std::uint8_t> style;  // INVARIANT: style.size() == text.size()
};

// Reads the inline Markdown/HTML of one line: **bold**, *italic*, <b>, <sup>,
// [text](url) (kept as text), <https://...> (kept as text), \* escapes.
StyledText parse_inline(std::string_view line);

enum class BlockKind {
  Heading,    // a Markdown heading inside a part
  Paragraph,  // running text (consecutive lines joined)
  Bullet,     // `- ` list item, `depth` from its indentation
  Numbered,   // `1. ` list item
  TableRow,   // a tab-separated row (definitions, codes)
  SectionId,  // a line that is exactly one of the policy's section ids
  Furniture,  // page furniture: running headers, version lines, page-number rows, duplicate headings
};
const char* to_string(BlockKind k);

struct Block {
  BlockKind kind = BlockKind::Paragraph;
  int depth = 0;                   // Bullet: nesting level (0 = top)
  std::string number;              // Numbered: "1"
  std::vector<StyledText> cells;   // TableRow: the cells; other kinds: one cell
  int line = 0;                    // 1-based line in the source file
  std::vector<std::string> headings;  // the plain headings above it in its part, outermost first

  // The block's plain text (cells joined by " ").
  std::string plain() const;
};

struct Part {
  std::string title;         // the heading that opens it ("CMM-607.2: Indications")
  std::string section;       // the policy section id it is, or "" (front matter, references)
  bool references = false;   // a references list (shown collapsed)
  std::vector<Block> blocks;
};

struct SourceDocument {
  std::string file;          // as named in the report
  std::vector<Part> parts;   // in document order; parts holding only furniture are dropped
};

// Splits `markdown` into parts: a part opens at the first level-1 heading that
// is one of `policy`'s section headings, or at any other level-1 heading that
// is not the current part's title (front matter, table of contents,
// references). Everything before the first heading-opened part is the front
// matter. Never fails: text it does not recognise becomes paragraphs.
SourceDocument parse_source_document(std::string_view markdown, const model::Policy& policy, std::string file);

}  // namespace pp::reports
