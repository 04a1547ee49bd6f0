#include "plot/svg.hpp"

#include <cmath>
#include <cstdio>

#include "ridgelens/error.hpp"

namespace ridgelens::plot {

std::string escape_xml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                if (byte < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;
                out += ch;
        }
    }
    return out;
}

std::string px(double value) {
    if (!std::isfinite(value)) throw Error("svg: non-finite coordinate");
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    std::string text = buffer;
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    if (text == "-0") text = "0";
    return text;
}

std::string data_number(double value) {
    if (!std::isfinite(value)) return "nan";
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

SvgWriter::SvgWriter(double width, double height, std::string_view title)
    : width_(width), height_(height) {
    text_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
                 {"width", px(width)},
                 {"height", px(height)},
                 {"viewBox", "0 0 " + px(width) + " " + px(height)},
                 {"font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"}});
    if (!title.empty()) element("title", {}, title);
}

void SvgWriter::write_start(std::string_view tag, const Attributes& attributes) {
    text_ += '<';
    text_ += tag;
    for (const auto& [name, value] : attributes) {
        text_ += ' ';
        text_ += name;
        text_ += "=\"";
        text_ += escape_xml(value);
        text_ += '"';
    }
}

void SvgWriter::open(std::string_view tag, const Attributes& attributes) {
    write_start(tag, attributes);
    text_ += ">\n";
    open_.emplace_back(tag);
}

void SvgWriter::close() {
    if (open_.empty()) throw Error("svg: close() without an open element");
    text_ += "</" + open_.back() + ">\n";
    open_.pop_back();
}

void SvgWriter::element(std::string_view tag, const Attributes& attributes, std::string_view text) {
    write_start(tag, attributes);
    if (text.empty()) {
        text_ += "/>\n";
        return;
    }
    text_ += '>';
    text_ += escape_xml(text);
    text_ += "</";
    text_ += tag;
    text_ += ">\n";
}

void SvgWriter::raw(std::string_view markup) {
    text_ += markup;
}

std::string SvgWriter::finish() {
    while (!open_.empty()) close();
    return text_;
}

}  // namespace ridgelens::plot
