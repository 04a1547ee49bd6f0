// Reading a report file for the pictures: one streaming pass that builds the
// document but keeps only an evenly strided subset of a long path grid, so
// that memory stays bounded and time linear in the file's size (nlohmann's
// callback parser rescans the parent array at every element, quadratic in the
// grid's length: a 10⁶-λ report did not finish in 300 s).

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "plot/plot_data.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/plot/plot_report.hpp"

namespace ridgelens::plot {
namespace {

using nlohmann::json;

/// Builds the document from the parser's events. The elements of the
/// top-level "path" array are kept at a stride that doubles whenever more
/// than 2·`keep` are held (so at most 2·keep + 1 are held, evenly spaced, the
/// first and the last included); the number read is recorded as
/// "path_points" when the report does not carry it.
class ThinningDocumentBuilder : public nlohmann::json_sax<json> {
  public:
    explicit ThinningDocumentBuilder(std::size_t keep) : keep_(keep) {}

    json take_document() {
        if (root_.is_object() && path_points_ > 0 && !root_.contains("path_points"))
            root_["path_points"] = path_points_;
        return std::move(root_);
    }

    const std::string& last_key() const { return last_key_; }

    bool null() override { return add(json(nullptr)); }
    bool boolean(bool value) override { return add(json(value)); }
    bool number_integer(number_integer_t value) override { return add(json(value)); }
    bool number_unsigned(number_unsigned_t value) override { return add(json(value)); }
    bool number_float(number_float_t value, const string_t&) override { return add(json(value)); }
    bool string(string_t& value) override { return add(json(std::move(value))); }
    bool binary(binary_t& value) override { return add(json::binary(std::move(value))); }
    bool key(string_t& value) override {
        last_key_ = value;
        pending_key_ = std::move(value);
        return true;
    }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override {
        const bool is_path =
            open_containers_.size() == 1 && root_.is_object() && pending_key_ == "path";
        if (!open(json::array())) return false;
        if (is_path) path_array_ = open_containers_.back();
        return true;
    }
    bool end_object() override { return close(); }
    bool end_array() override {
        json* closing = open_containers_.back();
        if (closing == path_array_) {
            if (!last_point_.is_null()) closing->push_back(std::move(last_point_));
            path_array_ = nullptr;
        }
        return close();
    }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& error) override {
        error_id_ = error.id;
        error_text_ = error.what();
        return false;
    }

    int error_id() const { return error_id_; }
    const std::string& error_text() const { return error_text_; }

  private:
    /// Inserts a finished value into the container being built.
    json* insert(json&& value) {
        if (open_containers_.empty()) {
            root_ = std::move(value);
            return &root_;
        }
        json& parent = *open_containers_.back();
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            return &parent.back();
        }
        json& slot = parent[pending_key_];
        slot = std::move(value);
        return &slot;
    }
    bool add(json&& value) {
        insert(std::move(value));
        if (path_array_ != nullptr && open_containers_.back() == path_array_)
            thin_path_after_element();
        return true;
    }
    bool open(json&& container) {
        open_containers_.push_back(insert(std::move(container)));
        return true;
    }
    bool close() {
        open_containers_.pop_back();
        if (path_array_ != nullptr && !open_containers_.empty() &&
            open_containers_.back() == path_array_)
            thin_path_after_element();
        return true;
    }
    /// The element just appended to the path array is element number
    /// path_points_ of the grid: held if it falls on the stride, else kept
    /// aside as the possible last element.
    void thin_path_after_element() {
        json& path = *path_array_;
        const std::size_t index = path_points_++;
        if (index % stride_ != 0) {
            last_point_ = std::move(path.back());
            path.erase(path.end() - 1);
            return;
        }
        last_point_ = json();
        if (path.size() <= 2 * keep_) return;
        // Double the stride: keep the held elements at even positions.
        json thinned = json::array();
        for (std::size_t i = 0; i < path.size(); i += 2) thinned.push_back(std::move(path[i]));
        path = std::move(thinned);
        stride_ *= 2;
    }

    std::size_t keep_;
    json root_;
    std::vector<json*> open_containers_;
    std::string pending_key_;
    std::string last_key_;
    json* path_array_ = nullptr;
    json last_point_;
    std::size_t path_points_ = 0;
    std::size_t stride_ = 1;
    int error_id_ = 0;
    std::string error_text_;
};

}  // namespace

nlohmann::json read_report_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open the report");
    ThinningDocumentBuilder builder(max_path_points);
    bool parsed = false;
    try {
        parsed = json::sax_parse(in, &builder);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const json::exception& error) {
        throw InputError(path + ": not a valid report: " + error.what());
    }
    if (!parsed) {
        // Parse errors proper (ids 101–199) mean "not JSON"; an out-of-range
        // number (1e999) is named with the field it belongs to.
        if (builder.error_id() >= 101 && builder.error_id() < 200)
            throw InputError(path + ": not a JSON report (" + builder.error_text() + ")");
        throw InputError(path + ": not a valid report: " + builder.error_text() +
                         (builder.last_key().empty()
                              ? std::string()
                              : " (in the value of field '" + builder.last_key() + "')"));
    }
    return builder.take_document();
}

}  // namespace ridgelens::plot
