// Letters as PDF (A4, Japanese) with cairo + pango and the Noto CJK fonts of fonts-noto-cjk:
// Noto Sans CJK JP for the text, Noto Serif CJK JP for the titles.
//
// One PDF per chunk of letters (the batch's unit of commit), each letter a page range — not one
// PDF per letter. Measured: cairo embeds a subset of each CJK face per file, and Noto CJK's
// subsets carry the local subroutines of every font dict they touch, so a single two-page
// letter is about 1.1 MB and 87 ms; 250 letters in one file share the fonts (a few KB and a
// few ms per letter). A chunk's file is written before its transaction commits and named by
// the batch and its first sequence number, so a resumed run rewrites the file of a chunk that
// did not commit. `Render` still writes a single letter to its own file (reprints, tests).
//
// Speed: the font map and the pango context (with its font cache) are made once per renderer
// and reused for every letter.
//
// Thread-safety: one LetterRenderer per thread.
#ifndef MYNACERT_NOTICES_PDF_H_
#define MYNACERT_NOTICES_PDF_H_

#include <memory>
#include <string>

#include "core/result.h"
#include "notices/letter.h"

namespace mynacert::notices {

class LetterRenderer {
 public:
  // Fails (kFailedPrecondition) when the Noto CJK JP fonts are not installed.
  static Result<std::unique_ptr<LetterRenderer>> Create();
  ~LetterRenderer();
  LetterRenderer(const LetterRenderer&) = delete;
  LetterRenderer& operator=(const LetterRenderer&) = delete;

  // A print file: Open, Append each letter (returns its page count; its first page is
  // pages_written() + 1 before the call), Close.
  Status Open(const std::string& path);
  Result<int> Append(const Letter& letter);
  Status Close();
  int pages_written() const { return pages_written_; }

  // Writes `letter` alone to `path`; returns the page count.
  Result<int> Render(const Letter& letter, const std::string& path);

  struct Impl;  // fonts and the pango context (pdf.cc)

 private:
  explicit LetterRenderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string path_;
  int pages_written_ = 0;
};

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_PDF_H_
