#include "report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/files.h"
#include "ideas/titles.h"

namespace camroll {
namespace {

using nlohmann::json;

constexpr int kThumb = 256;
constexpr int kPreview = 1440;

std::string PlaceLabel(const std::string& locality, const std::string& country) {
  if (locality.empty()) return country;
  if (country.empty()) return locality;
  return locality + ", " + country;
}

json TimeJson(const std::optional<LocalTime>& t) {
  return t ? json(FormatIso8601(*t)) : json(nullptr);
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

// [x, y, w, h] as fractions of the upright image.
json BoxJson(const NormBox& b) {
  return json::array({Round3(b.x), Round3(b.y), Round3(b.w), Round3(b.h)});
}

json QualityJson(const QualityMeasures& q) {
  return {{"score", q.score},
          {"sharpness", q.sharpness},
          {"tenengrad", q.tenengrad},
          {"brightness", q.brightness},
          {"contrast", q.contrast},
          {"clipped_dark", q.clipped_dark},
          {"clipped_bright", q.clipped_bright}};
}

// "Sat 18 Apr 2026, 20:00 – 22:30" / "Fri 19 Jun – Sun 21 Jun 2026".
std::string WhenLabel(const LocalTime& start, const LocalTime& end) {
  CivilFields a = CivilFromSeconds(start.local_seconds);
  CivilFields b = CivilFromSeconds(end.local_seconds);
  auto day = [](const LocalTime& t, const CivilFields& f) {
    return fmt::format("{} {} {}", WeekdayName(WeekdayFromDays(t.LocalDay())).substr(0, 3), f.day,
                       MonthAbbrev(f.month));
  };
  if (start.LocalDay() == end.LocalDay()) {
    return fmt::format("{} {}, {:02}:{:02} – {:02}:{:02}", day(start, a), a.year, a.hour, a.minute,
                       b.hour, b.minute);
  }
  return fmt::format("{} – {} {}", day(start, a), day(end, b), b.year);
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
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
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<std::string> OutputIdeaFiles(const ReportIdea& idea) {
  std::vector<std::string> out;
  for (const std::string& f : idea.rendered) {
    out.push_back(
        fmt::format("ideas/{}/{}", idea.idea.id, std::filesystem::path(f).filename().string()));
  }
  return out;
}

std::string OutputThumbnail(const AssetFacts& asset, int size) {
  return fmt::format("thumbs/{}-{}.jpg", asset.content_hash, size);
}

json ManifestJson(const RollReport& report) {
  const auto& assets = report.assets;
  std::map<size_t, std::string> event_of;
  for (const Event& e : report.events.events) {
    for (size_t m : e.members) event_of[m] = e.id;
  }
  json events = json::array();
  size_t trips = 0;
  for (const Event& e : report.events.events) {
    trips += e.trip;
    json members = json::array(), best = json::array(), dups = json::array();
    for (size_t m : e.members) members.push_back(assets[m].path);
    for (size_t b : e.best) best.push_back(assets[b].path);
    for (const DuplicateGroup& g : e.duplicates) {
      json group = json::array();
      for (size_t m : g.members) group.push_back(assets[m].path);
      dups.push_back({{"members", group}, {"best", assets[g.best].path}});
    }
    events.push_back({
        {"id", e.id},
        {"title", e.title},
        {"start", FormatIso8601(e.start)},
        {"end", FormatIso8601(e.end)},
        {"place", PlaceLabel(e.locality, e.country)},
        {"locality", e.locality},
        {"region", e.region},
        {"country", e.country},
        {"country_code", e.country_code},
        {"trip", e.trip},
        {"members", members},
        {"best", best},
        {"cover", e.best.empty() ? json(nullptr) : json(assets[e.best.front()].path)},
        {"near_duplicates", dups},
    });
  }

  json items = json::array(), errors = json::array();
  size_t photos = 0, videos = 0, screenshots = 0, failed = 0, warned = 0;
  for (size_t i = 0; i < assets.size(); ++i) {
    const AssetFacts& a = assets[i];
    if (a.failed) {
      ++failed;
      errors.push_back({{"file", a.path}, {"reason", a.error}, {"severity", "error"}});
      continue;
    }
    for (const std::string& w : a.warnings) {
      errors.push_back({{"file", a.path}, {"reason", w}, {"severity", "warning"}});
    }
    warned += !a.warnings.empty();
    photos += a.kind == MediaKind::kPhoto;
    videos += a.kind == MediaKind::kVideo;
    screenshots += a.kind == MediaKind::kScreenshot;
    json place = nullptr;
    if (a.place) {
      place = {{"city", a.place->city},
               {"locality", a.place->locality},
               {"region", a.place->region},
               {"subregion", a.place->subregion},
               {"country", a.place->country},
               {"country_code", a.place->country_code},
               {"distance_km", a.place->distance_km}};
    }
    auto event = event_of.find(i);
    json seen = nullptr;
    if (a.vision) {
      json objects = json::array();
      for (const ObjectFact& o : a.vision->objects) {
        objects.push_back(
            {{"label", o.label}, {"score", Round3(o.score)}, {"box", BoxJson(o.box)}});
      }
      seen = {{"objects", objects},
              {"text",
               {{"coverage", Round3(a.vision->text_coverage)},
                {"lines", a.vision->text_lines},
                {"document", a.vision->document}}},
              {"sensitive", a.vision->sensitive}};
    }
    items.push_back({
        {"file", a.path},
        {"sha256", a.content_hash},
        {"kind", MediaKindName(a.kind)},
        {"format", FormatName(a.format)},
        {"bytes", a.size_bytes},
        {"width", a.width},
        {"height", a.height},
        {"orientation", a.orientation},
        {"taken", TimeJson(a.taken)},
        {"time_source", TimeSourceName(a.time_source)},
        {"offset_source", OffsetSourceName(a.offset_source)},
        {"gps", a.gps ? json::array({a.gps->lat, a.gps->lon}) : json(nullptr)},
        {"place", place},
        {"camera",
         (a.make + " " + a.model).size() > 1 ? json(a.make + " " + a.model) : json(nullptr)},
        {"duration_s", a.kind == MediaKind::kVideo ? json(a.duration_s) : json(nullptr)},
        {"quality", QualityJson(a.quality)},
        {"phash", fmt::format("{:016x}", a.phash)},
        {"thumbnail", OutputThumbnail(a, kThumb)},
        {"preview", OutputThumbnail(a, kPreview)},
        {"event", event == event_of.end() ? json(nullptr) : json(event->second)},
        {"seen", seen},
        {"warnings", a.warnings},
    });
  }
  std::stable_sort(errors.begin(), errors.end(), [](const json& x, const json& y) {
    return x["severity"] < y["severity"];  // "error" before "warning"
  });
  json home = nullptr;
  if (const auto& h = report.events.home) {
    home = {{"locality", h->locality}, {"country", h->country}, {"country_code", h->country_code},
            {"lat", h->lat},           {"lon", h->lon},         {"days", h->days}};
  }
  json loose = json::array();
  for (size_t i : report.events.loose) loose.push_back(assets[i].path);
  json ideas = json::array();
  std::map<std::string, size_t> idea_types;
  for (const ReportIdea& r : report.ideas) {
    const Idea& idea = r.idea;
    ++idea_types[std::string(IdeaTypeName(idea.type))];
    json evidence = json::array(), members = json::array();
    for (const Evidence& e : idea.evidence)
      evidence.push_back({{"kind", e.kind}, {"detail", e.detail}});
    for (size_t m : idea.members) members.push_back(assets[m].path);
    json parts = json::object();
    for (const auto& [name, value] : idea.score_parts) parts[name] = value;
    ideas.push_back({{"id", idea.id},
                     {"type", IdeaTypeName(idea.type)},
                     {"title", idea.title},
                     {"subtitle", idea.subtitle},
                     {"why", idea.why},
                     {"evidence", evidence},
                     {"source", idea.source},
                     {"variant", idea.variant},
                     {"score", idea.score},
                     {"score_parts", parts},
                     {"members", members},
                     {"files", OutputIdeaFiles(r)}});
  }
  json people = json::array();
  for (const ReportPerson& p : report.people) {
    json faces = json::array();
    for (const ReportFace& f : p.faces) {
      faces.push_back({{"file", assets[f.asset].path}, {"box", BoxJson(f.box)}});
    }
    json person = {{"id", p.id}, {"faces", faces}};
    if (!p.name.empty()) person["name"] = p.name;
    if (p.hidden) person["hidden"] = true;
    people.push_back(std::move(person));
  }
  return {
      {"generator", "camroll"},
      {"generated_at", report.generated_at},
      {"roll", report.roll},
      {"home", home},
      {"summary",
       {{"files", assets.size()},
        {"photos", photos},
        {"videos", videos},
        {"screenshots", screenshots},
        {"failed", failed},
        {"with_warnings", warned},
        {"events", report.events.events.size() - trips},
        {"trips", trips},
        {"ideas", report.ideas.size()},
        {"idea_types", idea_types}}},
      {"models", report.models},
      {"face_grouping", report.face_grouping ? "on" : "off"},
      {"people", people},
      {"ideas", ideas},
      {"events", events},
      {"everyday", loose},
      {"assets", items},
      {"errors", errors},
  };
}

namespace {

std::string Tile(const AssetFacts& a, bool best) {
  std::string badge;
  if (a.kind == MediaKind::kVideo)
    badge = fmt::format("<span class=\"badge\">▶ {:.0f}s</span>", a.duration_s);
  if (best) badge += "<span class=\"badge best\" title=\"best shot\">★</span>";
  std::string caption = a.taken ? FormatIso8601(*a.taken).substr(11, 5) : "";
  return fmt::format(
      "<a class=\"tile\" href=\"{}\" title=\"{}\"><img loading=\"lazy\" src=\"{}\" alt=\"{}\">{}"
      "<span class=\"time\">{}</span></a>",
      HtmlEscape(OutputThumbnail(a, kPreview)), HtmlEscape(a.path),
      HtmlEscape(OutputThumbnail(a, kThumb)), HtmlEscape(a.path), badge, HtmlEscape(caption));
}

std::string_view TypeLabel(IdeaType type) {
  switch (type) {
    case IdeaType::kCollage:
      return "Collage";
    case IdeaType::kRecap:
      return "Recap video";
    case IdeaType::kRestyle:
      return "Restyle";
    case IdeaType::kTheme:
      return "Theme";
    case IdeaType::kEnhance:
      return "Enhance";
  }
  return "";
}

std::string IdeaCard(const RollReport& report, const ReportIdea& r) {
  const Idea& idea = r.idea;
  const std::vector<std::string> files = OutputIdeaFiles(r);
  auto file = [&](std::string_view name) -> std::string {
    for (const auto& f : files) {
      if (f.size() >= name.size() && f.compare(f.size() - name.size(), name.size(), name) == 0) {
        return HtmlEscape(f);
      }
    }
    return "";
  };
  std::string media;
  if (files.empty()) {
    media = "<div class=\"pending\">";
    for (size_t m : idea.members) {
      media += fmt::format("<img loading=\"lazy\" src=\"{}\" alt=\"\">",
                           HtmlEscape(OutputThumbnail(report.assets[m], kThumb)));
    }
    media += fmt::format("<p>Not made yet: <code>camroll render {}</code></p></div>",
                         HtmlEscape(idea.id));
  } else if (idea.type == IdeaType::kRecap) {
    // The first photo's preview stands in until the video plays.
    media = fmt::format(
        "<video src=\"{}\" poster=\"{}\" controls muted loop playsinline preload=\"none\"></video>",
        file("recap.mp4"),
        HtmlEscape(OutputThumbnail(report.assets[idea.members.front()], kPreview)));
  } else if (idea.type == IdeaType::kRestyle || idea.type == IdeaType::kEnhance) {
    media = fmt::format(
        "<div class=\"pair\"><figure><img loading=\"lazy\" src=\"{}\" "
        "alt=\"before\"><figcaption>Before"
        "</figcaption></figure><figure><img loading=\"lazy\" src=\"{}\" "
        "alt=\"after\"><figcaption>After"
        "</figcaption></figure></div>",
        file("before.jpg"), file("after.jpg"));
  } else {
    media = fmt::format("<a href=\"{0}\"><img loading=\"lazy\" src=\"{0}\" alt=\"{1}\"></a>",
                        file(idea.type == IdeaType::kTheme ? "theme.jpg" : "story.jpg"),
                        HtmlEscape(idea.title));
  }
  std::string evidence;
  for (const Evidence& e : idea.evidence) {
    evidence += fmt::format("<li><b>{}</b> {}</li>", HtmlEscape(e.kind), HtmlEscape(e.detail));
  }
  std::string links;
  for (const auto& f : files) {
    links += fmt::format("<a href=\"{0}\">{1}</a> ", HtmlEscape(f),
                         HtmlEscape(std::filesystem::path(f).filename().string()));
  }
  return fmt::format(
      "<article class=\"idea\" id=\"{}\"><div class=\"media\">{}</div><div class=\"body\">"
      "<span class=\"kind\">{}{}</span><h3>{}</h3><p class=\"why\">{}</p><ul "
      "class=\"evidence\">{}</ul>"
      "<p class=\"files\">{}</p></div></article>",
      HtmlEscape(idea.id), media, TypeLabel(idea.type),
      idea.variant.empty() || idea.variant == "auto" ? "" : " · " + HtmlEscape(idea.variant),
      HtmlEscape(idea.title), HtmlEscape(idea.why), evidence, links);
}

constexpr const char* kStyle = R"css(
:root { --bg:#f6f5f2; --card:#fff; --ink:#1d1d1f; --muted:#5f6368; --accent:#0b57d0; --trip:#b3261e; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; background:var(--bg); color:var(--ink); }
header { padding:28px 24px 8px; max-width:1200px; margin:auto; }
h1 { margin:0 0 4px; font-size:28px; }
.sub { color:var(--muted); }
main { max-width:1200px; margin:auto; padding:8px 24px 40px; }
.event { background:var(--card); border-radius:16px; margin:18px 0; box-shadow:0 1px 3px rgba(0,0,0,.08); overflow:hidden; }
.cover { position:relative; height:260px; background:#222 50% 35%/cover no-repeat; }
.cover .label { position:absolute; left:0; right:0; bottom:0; padding:18px 20px 14px; color:#fff;
  background:linear-gradient(transparent, rgba(0,0,0,.65)); }
.cover h2 { margin:0; font-size:24px; }
.meta { font-size:14px; opacity:.92; }
.pill { display:inline-block; font-size:12px; font-weight:600; padding:2px 8px; border-radius:999px; margin-left:8px; vertical-align:middle; }
.pill.trip { background:var(--trip); color:#fff; }
.pill.count { background:rgba(255,255,255,.22); color:#fff; }
.people { display:flex; flex-wrap:wrap; gap:16px; }
.person { background:#fff; border-radius:12px; padding:10px; box-shadow:0 1px 3px rgba(0,0,0,.12); }
.person .faces { display:grid; grid-template-columns:repeat(4, 56px); gap:4px; }
.face { width:56px; height:56px; border-radius:50%; background-repeat:no-repeat; display:block; }
.person .name { margin-top:8px; font-weight:600; }
.person .pill.count { background:#eee; color:#333; }
.grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(140px,1fr)); gap:6px; padding:12px; }
.tile { position:relative; display:block; aspect-ratio:1; overflow:hidden; border-radius:8px; background:#ddd; }
.tile img { width:100%; height:100%; object-fit:cover; display:block; }
.tile:focus { outline:3px solid var(--accent); outline-offset:2px; }
.badge { position:absolute; top:6px; left:6px; background:rgba(0,0,0,.6); color:#fff; font-size:12px; padding:1px 6px; border-radius:6px; }
.badge.best { left:auto; right:6px; background:#f9ab00; color:#000; }
.time { position:absolute; bottom:4px; right:6px; color:#fff; font-size:11px; text-shadow:0 1px 2px #000; }
section h2.plain { font-size:18px; margin:28px 0 6px; }
table { border-collapse:collapse; width:100%; background:var(--card); border-radius:12px; overflow:hidden; }
th, td { text-align:left; padding:8px 10px; border-bottom:1px solid #eee; font-size:14px; vertical-align:top; }
td.sev-error { color:var(--trip); font-weight:600; }
.ideas { display:grid; grid-template-columns:repeat(auto-fill,minmax(270px,1fr)); gap:16px; }
.idea { background:var(--card); border-radius:16px; overflow:hidden; box-shadow:0 1px 3px rgba(0,0,0,.08); display:flex; flex-direction:column; }
.idea .media { height:400px; background:#15161a; display:flex; align-items:center; justify-content:center; }
.idea .media > a, .idea .media > video { width:100%; height:100%; display:block; }
.idea .media img, .idea .media video { width:100%; height:100%; object-fit:contain; display:block; }
.idea .pair { display:flex; width:100%; height:100%; }
.idea .pair figure { margin:0; flex:1; position:relative; }
.idea .pair figcaption { position:absolute; bottom:6px; left:8px; color:#fff; font-size:12px; text-shadow:0 1px 2px #000; }
.idea .pending { display:grid; grid-template-columns:repeat(3,1fr); gap:4px; padding:8px; color:#ddd; font-size:13px; }
.idea .pending img { width:100%; aspect-ratio:1; object-fit:cover; border-radius:4px; }
.idea .pending p { grid-column:1/-1; }
.idea .body { padding:12px 16px 16px; }
.idea .kind { font-size:12px; font-weight:600; text-transform:uppercase; letter-spacing:.04em; color:var(--accent); }
.idea h3 { margin:4px 0 6px; font-size:18px; }
.idea .why { margin:0 0 8px; }
.idea .evidence { margin:0; padding-left:18px; color:var(--muted); font-size:13px; }
.idea .files { margin:8px 0 0; font-size:12px; }
.idea .files a { color:var(--accent); margin-right:6px; }
footer { color:var(--muted); font-size:13px; max-width:1200px; margin:auto; padding:0 24px 32px; }
@media (max-width:600px) { .cover { height:200px; } .grid { grid-template-columns:repeat(3,1fr); } header,main,footer { padding-left:12px; padding-right:12px; } }
)css";

// A face cut out of its preview by CSS alone: the box fills the element.
std::string FaceCrop(const AssetFacts& a, const NormBox& b) {
  auto pos = [](float at, float size) { return size >= 0.999f ? 0.0f : at / (1 - size) * 100; };
  float w = std::max(b.w, 0.01f), h = std::max(b.h, 0.01f);
  return fmt::format(
      "<span class=\"face\" title=\"{}\" style=\"background-image:url('{}');"
      "background-size:{:.1f}% {:.1f}%;background-position:{:.1f}% {:.1f}%\"></span>",
      HtmlEscape(a.path), HtmlEscape(OutputThumbnail(a, kPreview)), 100 / w, 100 / h, pos(b.x, w),
      pos(b.y, h));
}

std::string PeopleSection(const RollReport& report) {
  std::string html =
      "<section id=\"people\"><h2 class=\"plain\">People</h2><p class=\"sub\">Faces grouped "
      "on this machine because face grouping is on. Name, merge, split or hide people with "
      "<code>camroll people</code>; <code>camroll suggest --no-faces</code> deletes them all."
      "</p><div class=\"people\">";
  for (const ReportPerson& p : report.people) {
    if (p.hidden) continue;
    std::string name = p.name.empty() ? fmt::format("Person {}", p.id) : p.name;
    html += fmt::format("<div class=\"person\"><div class=\"faces\">");
    for (size_t k = 0; k < p.faces.size() && k < 8; ++k) {
      html += FaceCrop(report.assets[p.faces[k].asset], p.faces[k].box);
    }
    html += fmt::format(
        "</div><div class=\"name\">{} <span class=\"pill count\">{} {}</span>"
        "</div></div>",
        HtmlEscape(name), p.faces.size(), p.faces.size() == 1 ? "photo" : "photos");
  }
  return html + "</div></section>";
}

std::string IndexHtml(const RollReport& report) {
  const auto& assets = report.assets;
  const auto& ev = report.events;
  std::string html;
  html += "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  html += "<title>camroll · your camera roll</title><style>";
  html += kStyle;
  html += "</style></head><body><header><h1>Your camera roll</h1><p class=\"sub\">";
  size_t trips = 0;
  for (const Event& e : ev.events) trips += e.trip;
  size_t failed =
      std::count_if(assets.begin(), assets.end(), [](const AssetFacts& a) { return a.failed; });
  html += fmt::format("{} files · {} events · {} trips · {} ideas", assets.size(),
                      ev.events.size() - trips, trips, report.ideas.size());
  if (ev.home)
    html += fmt::format(" · home: {}", HtmlEscape(PlaceLabel(ev.home->locality, ev.home->country)));
  if (failed) html += fmt::format(" · <a href=\"#problems\">{} could not be read</a>", failed);
  html += "</p></header><main>";

  if (!report.ideas.empty()) {
    html +=
        "<section id=\"ideas\"><h2 class=\"plain\">Ideas from your camera roll</h2>"
        "<div class=\"ideas\">";
    for (const ReportIdea& r : report.ideas) html += IdeaCard(report, r);
    html += "</div></section>";
  }
  if (report.face_grouping && !report.people.empty()) html += PeopleSection(report);

  // Newest first, as people scroll a roll.
  for (auto it = ev.events.rbegin(); it != ev.events.rend(); ++it) {
    const Event& e = *it;
    std::set<size_t> best(e.best.begin(), e.best.end());
    std::string cover = e.best.empty() ? "" : OutputThumbnail(assets[e.best.front()], kPreview);
    html += fmt::format(
        "<article class=\"event\" id=\"{}\"><div class=\"cover\" "
        "style=\"background-image:url('{}')\">"
        "<div class=\"label\"><h2>{}{}<span class=\"pill count\">{} {}</span></h2>"
        "<div class=\"meta\">{}{}</div></div></div><div class=\"grid\">",
        HtmlEscape(e.id), HtmlEscape(cover), HtmlEscape(e.title),
        e.trip ? "<span class=\"pill trip\">Trip</span>" : "", e.members.size(),
        e.members.size() == 1 ? "item" : "items", HtmlEscape(WhenLabel(e.start, e.end)),
        e.locality.empty() ? "" : " · " + HtmlEscape(PlaceLabel(e.locality, e.country)));
    for (size_t m : e.members) html += Tile(assets[m], best.count(m) > 0);
    html += "</div></article>";
  }

  auto section = [&](const char* id, const char* title, const std::vector<size_t>& members) {
    if (members.empty()) return;
    html += fmt::format("<section id=\"{}\"><h2 class=\"plain\">{}</h2><div class=\"grid\">", id,
                        title);
    for (size_t i : members) html += Tile(assets[i], false);
    html += "</div></section>";
  };
  section("everyday", "Everyday", ev.loose);
  std::vector<size_t> screenshots;
  for (size_t i = 0; i < assets.size(); ++i) {
    if (!assets[i].failed && assets[i].kind == MediaKind::kScreenshot) screenshots.push_back(i);
  }
  section("screenshots", "Screenshots (never suggested)", screenshots);

  std::string rows;
  for (const AssetFacts& a : assets) {
    if (a.failed) {
      rows += fmt::format("<tr><td>{}</td><td class=\"sev-error\">error</td><td>{}</td></tr>",
                          HtmlEscape(a.path), HtmlEscape(a.error));
    }
  }
  for (const AssetFacts& a : assets) {
    for (const std::string& w : a.warnings) {
      rows += fmt::format("<tr><td>{}</td><td>warning</td><td>{}</td></tr>", HtmlEscape(a.path),
                          HtmlEscape(w));
    }
  }
  if (!rows.empty()) {
    html +=
        "<section id=\"problems\"><h2 class=\"plain\">Problems</h2><table><thead><tr><th>File</th>"
        "<th>Severity</th><th>Reason</th></tr></thead><tbody>" +
        rows + "</tbody></table></section>";
  }
  html += fmt::format(
      "</main><footer>Made on this device by camroll; nothing was uploaded. Generated {}. "
      "Places: <a href=\"https://www.geonames.org/\">GeoNames</a> (CC BY "
      "4.0).</footer></body></html>\n",
      HtmlEscape(report.generated_at));
  return html;
}

}  // namespace

Status WriteReport(const RollReport& report, const std::filesystem::path& data_dir,
                   const std::filesystem::path& out_dir) {
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(out_dir / "thumbs"));
  std::set<std::string> wanted;
  for (const AssetFacts& a : report.assets) {
    for (const Thumbnail& t : a.thumbnails) {
      std::string name = OutputThumbnail(a, t.size);
      if (!wanted.insert(name).second) continue;
      auto target = out_dir / name;
      if (std::filesystem::exists(target)) continue;  // content-addressed: already right
      CAMROLL_RETURN_IF_ERROR(LinkOrCopy(data_dir / t.file, target));
    }
  }
  // Thumbnails of files that left the roll leave the output too.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir / "thumbs", ec)) {
    if (!wanted.count("thumbs/" + entry.path().filename().string())) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  // Renders of the ideas, and nothing left of ideas that are gone.
  std::set<std::string> idea_dirs;
  for (const ReportIdea& idea : report.ideas) {
    const std::vector<std::string> outputs = OutputIdeaFiles(idea);
    if (outputs.empty()) continue;
    idea_dirs.insert(idea.idea.id);
    CAMROLL_RETURN_IF_ERROR(EnsureDirectory(out_dir / "ideas" / idea.idea.id));
    for (size_t i = 0; i < outputs.size(); ++i) {
      CAMROLL_RETURN_IF_ERROR(LinkOrCopy(data_dir / idea.rendered[i], out_dir / outputs[i]));
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(out_dir / "ideas", ec)) {
    if (!idea_dirs.count(entry.path().filename().string()))
      std::filesystem::remove_all(entry.path(), ec);
  }
  CAMROLL_RETURN_IF_ERROR(
      WriteFileAtomic(out_dir / "manifest.json", ManifestJson(report).dump(2) + "\n"));
  return WriteFileAtomic(out_dir / "index.html", IndexHtml(report));
}

}  // namespace camroll
