#include "render/text.h"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace camroll {
namespace {

struct LayoutFree {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutFree>;

LayoutPtr MakeLayout(cairo_t* cr, const std::string& text, const Rect& box, const TextStyle& style,
                     double px, bool ellipsise) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family(font, style.family.c_str());
  pango_font_description_set_weight(font, static_cast<PangoWeight>(style.weight));
  pango_font_description_set_style(font, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_font_description_set_absolute_size(font, px * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font);
  pango_font_description_free(font);
  pango_layout_set_width(layout.get(), static_cast<int>(box.w * PANGO_SCALE));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout.get(), style.align == TextAlign::kCenter  ? PANGO_ALIGN_CENTER
                                           : style.align == TextAlign::kRight ? PANGO_ALIGN_RIGHT
                                                                              : PANGO_ALIGN_LEFT);
  if (ellipsise) {
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    pango_layout_set_height(layout.get(), -std::max(1, style.max_lines));  // negative: lines
  }
  pango_layout_set_text(layout.get(), text.c_str(), -1);
  return layout;
}

// The union of the ink and logical extents, in pixels relative to the layout origin.
Rect Extents(PangoLayout* layout) {
  PangoRectangle ink, logical;
  pango_layout_get_extents(layout, &ink, &logical);
  const double x0 = std::min(ink.x, logical.x) / static_cast<double>(PANGO_SCALE);
  const double y0 = std::min(ink.y, logical.y) / static_cast<double>(PANGO_SCALE);
  const double x1 =
      std::max(ink.x + ink.width, logical.x + logical.width) / static_cast<double>(PANGO_SCALE);
  const double y1 =
      std::max(ink.y + ink.height, logical.y + logical.height) / static_cast<double>(PANGO_SCALE);
  return {x0, y0, x1 - x0, y1 - y0};
}

bool Fits(PangoLayout* layout, const Rect& box, int max_lines) {
  const Rect e = Extents(layout);
  return pango_layout_get_line_count(layout) <= max_lines && e.w <= box.w + 0.5 &&
         e.h <= box.h + 0.5 && e.x >= -0.5;
}

TextLayoutResult Layout(cairo_t* cr, const std::string& text, const Rect& box,
                        const TextStyle& style, bool draw) {
  TextLayoutResult result;
  if (text.empty() || box.w <= 0 || box.h <= 0) return result;
  // The largest size that fits, in half-pixel steps from max_px down to min_px.
  LayoutPtr layout;
  double px = style.max_px;
  for (; px >= style.min_px; px -= 0.5) {
    layout = MakeLayout(cr, text, box, style, px, false);
    if (Fits(layout.get(), box, style.max_lines)) break;
  }
  if (px < style.min_px) {
    // Even the smallest size is too big: ellipsise at the smallest size, with fewer lines if
    // the box is too short for max_lines of them.
    px = style.min_px;
    result.ellipsised = true;
    TextStyle fewer = style;
    for (; fewer.max_lines >= 1; --fewer.max_lines) {
      layout = MakeLayout(cr, text, box, fewer, px, true);
      if (Fits(layout.get(), box, fewer.max_lines)) break;
    }
    if (fewer.max_lines < 1) return result;  // not even one line at min_px: draw nothing
  }
  result.font_px = px;
  const Rect e = Extents(layout.get());
  const double origin_x = box.x;
  const double origin_y = box.y + (box.h - e.h) / 2 - e.y;
  result.ink = {origin_x + e.x, origin_y + e.y, e.w, e.h};
  if (!draw) return result;
  cairo_save(cr);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_clip(cr);  // a guarantee on top of the measurement, never expected to cut
  if (style.shadow.a > 0) {
    for (int i = 1; i <= 3; ++i) {
      cairo_move_to(cr, origin_x, origin_y + i * px / 40);
      cairo_set_source_rgba(cr, style.shadow.r, style.shadow.g, style.shadow.b, style.shadow.a / 3);
      pango_cairo_show_layout(cr, layout.get());
    }
  }
  cairo_move_to(cr, origin_x, origin_y);
  cairo_set_source_rgba(cr, style.colour.r, style.colour.g, style.colour.b, style.colour.a);
  pango_cairo_show_layout(cr, layout.get());
  cairo_restore(cr);
  return result;
}

}  // namespace

TextLayoutResult DrawText(cairo_t* cr, const std::string& text, const Rect& box,
                          const TextStyle& style) {
  return Layout(cr, text, box, style, true);
}

TextLayoutResult MeasureText(cairo_t* cr, const std::string& text, const Rect& box,
                             const TextStyle& style) {
  return Layout(cr, text, box, style, false);
}

}  // namespace camroll
