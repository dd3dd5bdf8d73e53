// PDFs for tests of PDF signatures (pki/pades_test.cc, cli/counter_cli_test.cc,
// service/service_test.cc), written by hand with a classic xref table so that the input is no
// PDF library's output.
#ifndef MYNACERT_PKI_TESTING_PDF_H_
#define MYNACERT_PKI_TESTING_PDF_H_

#include <cstdio>
#include <string>
#include <vector>

namespace mynacert::pki::testing_pdf {

// A PDF of `objects` (object i + 1 is objects[i]; object 1 the catalog).
inline std::string PdfOf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[21];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return pdf;
}

// One page showing `text` (ASCII) in Helvetica; `extra` objects appended (6, 7, …).
inline std::string OnePagePdf(const std::string& text, const std::vector<std::string>& extra = {}) {
  const std::string content = "BT /F1 24 Tf 72 720 Td (" + text + ") Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  objects.insert(objects.end(), extra.begin(), extra.end());
  return PdfOf(objects);
}

// A hostile PDF: object 6 is `depth` nested dictionaries (PoDoFo 0.9 recurses once per level
// and overflows its stack at about 10^5).
inline std::string NestedDictionaryPdf(int depth) {
  std::string nested;
  for (int i = 0; i < depth; ++i) nested += "<< /A ";
  for (int i = 0; i < depth; ++i) nested += ">> ";
  return OnePagePdf("nested", {nested});
}

}  // namespace mynacert::pki::testing_pdf

#endif  // MYNACERT_PKI_TESTING_PDF_H_
