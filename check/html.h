#pragma once
// A self-contained HTML page (inline CSS and SVG, no scripts or external files) showing checked
// histories: per key a timeline with one row per process and each operation as a bar from its
// invocation to its completion. Operations of the longest linearizable prefix are numbered in
// linearization order; those that could not be placed next are red, the blocking one outlined;
// unknown outcomes fade out to the right; failed ones are hatched.

#include <span>
#include <string>
#include <vector>

#include "check/checker.h"
#include "check/history.h"
#include "check/model.h"

namespace rq::check {

struct HtmlSection {
    std::string title;  // the file name, or whatever names the history
    const Model* model = nullptr;
    std::span<const Operation> ops;
    CheckResult result;
};

// Keys not ok come first; at most this many keys, and this many operations per key, are drawn.
inline constexpr std::size_t kHtmlKeysMax = 40;
inline constexpr std::size_t kHtmlOperationsPerKeyMax = 3000;

std::string render_html(std::span<const HtmlSection> sections);

}  // namespace rq::check
