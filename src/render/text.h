// Text that fits: captions and titles laid out with Pango in a real font (DejaVu, Noto), shrunk
// and then ellipsised until they fit their box. Nothing is ever drawn outside the box.
#pragma once

#include <cairo.h>

#include <string>

#include "render/geometry.h"

namespace camroll {

enum class TextAlign { kLeft, kCenter, kRight };

struct TextStyle {
  std::string family = "DejaVu Sans";  // a fontconfig family name
  int weight = 400;                    // 400 regular, 700 bold
  bool italic = false;
  double max_px = 48;  // the size to use when the text fits
  double min_px = 14;  // never smaller; below this the text is ellipsised instead
  int max_lines = 2;
  TextAlign align = TextAlign::kLeft;
  Rgba colour = {1, 1, 1, 1};
  Rgba shadow = {0, 0, 0, 0};  // a soft shadow when alpha > 0 (text over photos)
};

struct TextLayoutResult {
  double font_px = 0;       // the size used
  bool ellipsised = false;  // the text did not fit at min_px and was cut with "…"
  Rect ink;                 // the area the glyphs cover, always inside the box
};

// Lays out and draws `text` inside `box`, vertically centred.
TextLayoutResult DrawText(cairo_t* cr, const std::string& text, const Rect& box,
                          const TextStyle& style);
// The same without drawing.
TextLayoutResult MeasureText(cairo_t* cr, const std::string& text, const Rect& box,
                             const TextStyle& style);

}  // namespace camroll
