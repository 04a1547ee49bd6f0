// The HTML page that shows every picture, self-contained.

#include <string>

#include "plot/svg.hpp"
#include "ridgelens/plot/plot_report.hpp"

namespace ridgelens::plot {
namespace {

std::string base64(const std::string& bytes) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned value = (static_cast<unsigned char>(bytes[i]) << 16) |
                               (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                               static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(value >> shift) & 63];
    }
    if (i < bytes.size()) {
        unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += alphabet[(value >> 18) & 63];
        out += alphabet[(value >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(value >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// Counts the pictures as they load, then checks every <img> once the
// window has loaded; the verdict goes into #load-status.
const char* const load_script = R"(<script>
var ridgelensLoad = {loaded: 0, failed: 0};
function ridgelensShow(state) {
  var status = document.getElementById('load-status');
  if (!status) return;
  var expected = Number(status.getAttribute('data-expected'));
  status.setAttribute('data-loaded', String(ridgelensLoad.loaded));
  status.setAttribute('data-failed', String(ridgelensLoad.failed));
  status.setAttribute('data-state', state);
  status.textContent = state === 'complete'
      ? (ridgelensLoad.loaded === expected && ridgelensLoad.failed === 0
             ? 'All ' + expected + ' pictures loaded.'
             : ridgelensLoad.loaded + ' of ' + expected + ' pictures loaded, ' +
                   ridgelensLoad.failed + ' failed.')
      : 'Loading pictures: ' + ridgelensLoad.loaded + ' of ' + expected + '…';
}
function ridgelensImageLoaded(image) {
  if (image.naturalWidth > 0) ridgelensLoad.loaded++; else ridgelensLoad.failed++;
  ridgelensShow('loading');
}
function ridgelensImageFailed(image) { ridgelensLoad.failed++; ridgelensShow('loading'); }
window.addEventListener('load', function () {
  var images = document.querySelectorAll('img.plot');
  ridgelensLoad.loaded = 0;
  ridgelensLoad.failed = 0;
  for (var i = 0; i < images.length; i++) {
    if (images[i].complete && images[i].naturalWidth > 0) ridgelensLoad.loaded++;
    else ridgelensLoad.failed++;
  }
  ridgelensShow('complete');
});
</script>
)";

}  // namespace

std::string make_html_page(const FigureSet& set) {
    std::string page =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
        escape_xml(set.heading) +
        "</title>\n<style>\n"
        "body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #000; "
        "background: #fff; max-width: 940px; margin: 24px auto; padding: 0 12px; }\n"
        "h1 { font-size: 22px; } h2 { font-size: 18px; margin-bottom: 6px; }\n"
        "figure { margin: 0 0 36px 0; }\n"
        "img.plot { display: block; width: 900px; max-width: 100%; height: auto; "
        "border: 1px solid #ccc; }\n"
        "figcaption { font-size: 15px; line-height: 1.45; margin-top: 8px; }\n"
        "#load-status { font-size: 13px; color: #444; }\n</style>\n" +
        load_script + "</head>\n<body>\n<h1>" + escape_xml(set.heading) + "</h1>\n";
    page += "<p id=\"load-status\" data-expected=\"" + std::to_string(set.figures.size()) +
            "\" data-loaded=\"0\" data-failed=\"0\" data-state=\"loading\">Loading pictures…</p>\n";
    for (const std::string& note : set.notes)
        page += "<p class=\"note\">" + escape_xml(note) + "</p>\n";
    for (const Figure& figure : set.figures) {
        std::string id = figure.name.substr(0, figure.name.find('.'));
        page += "<figure id=\"figure-" + escape_xml(id) + "\">\n<h2>" + escape_xml(figure.title) +
                "</h2>\n<img class=\"plot\" width=\"900\" alt=\"" + escape_xml(figure.title) +
                "\" onload=\"ridgelensImageLoaded(this)\" onerror=\"ridgelensImageFailed(this)\" "
                "src=\"data:image/svg+xml;base64," +
                base64(figure.svg) + "\">\n<figcaption>" + escape_xml(figure.caption) +
                " <a href=\"" + escape_xml(figure.name) + "\">" + escape_xml(figure.name) +
                "</a></figcaption>\n</figure>\n";
    }
    page += "</body>\n</html>\n";
    return page;
}

}  // namespace ridgelens::plot
