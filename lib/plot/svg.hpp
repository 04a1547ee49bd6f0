#pragma once
/// @file svg.hpp
/// A small SVG writer: elements with escaped attributes and text, nothing
/// else. Charts are built on it (chart.hpp).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ridgelens::plot {

/// Name–value pairs of an element, written in order. Values are escaped.
using Attributes = std::vector<std::pair<std::string, std::string>>;

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values, and
/// drops characters XML 1.0 forbids (control characters other than tab,
/// newline and carriage return).
std::string escape_xml(std::string_view text);

/// A coordinate or length for an attribute: at most two decimals, no
/// trailing zeros, "-0" written as "0". Non-finite values throw Error.
std::string px(double value);

/// A data value for a `data-*` attribute or a label: %.10g (non-finite: "nan").
std::string data_number(double value);

/// Writes one SVG document. Elements are opened and closed in order; `finish`
/// closes what is still open and returns the document text.
class SvgWriter {
  public:
    /// `<svg>` of `width` × `height` user units (also its viewBox), with a
    /// `<title>` (accessible name) when `title` is not empty.
    SvgWriter(double width, double height, std::string_view title);

    /// `<tag attributes…>`; must be matched by `close()`.
    void open(std::string_view tag, const Attributes& attributes = {});
    /// Closes the most recently opened element. @throws Error if none is open.
    void close();
    /// `<tag attributes…/>`, or `<tag …>text</tag>` when `text` is not empty.
    void element(std::string_view tag, const Attributes& attributes, std::string_view text = {});
    /// Appends raw markup (already well-formed; used for `<defs>` snippets).
    void raw(std::string_view markup);

    double width() const { return width_; }
    double height() const { return height_; }

    /// Closes every open element (the `<svg>` last) and returns the document.
    std::string finish();

  private:
    void write_start(std::string_view tag, const Attributes& attributes);
    double width_;
    double height_;
    std::string text_;
    std::vector<std::string> open_;
};

}  // namespace ridgelens::plot
