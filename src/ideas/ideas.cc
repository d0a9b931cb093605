#include "ideas/ideas.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/sha256.h"
#include "ideas/titles.h"
#include "media/phash.h"

namespace camroll {
namespace {

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

// Weights of the base score (they sum to 1) and of the adjustments.
constexpr double kRecencyWeight = 0.3;
constexpr double kQualityWeight = 0.3;
constexpr double kDiversityWeight = 0.1;
constexpr double kTypeWeight = 0.3;
// Photos of people are what people keep (the share of members in which the object detector saw a
// person); a bonus, so that rolls without the models rank as before.
constexpr double kPeopleWeight = 0.1;
// Objects a theme may rest on (NanoDet's false finds on the sample roll score below 0.5).
constexpr float kThemeObjectScore = 0.5f;
// Portrait restyles: a person (detector score >= 0.5) whose box fills 12–85% of the photo — large
// enough to be the subject the segmentation model outlines, not a crowd or a passer-by; above
// 85% it is a face close-up with too little background for the effect to show.
constexpr float kPortraitPersonScore = 0.5f;
constexpr float kPortraitMinArea = 0.12f;
constexpr float kPortraitMaxArea = 0.85f;
// A person over time: at least 4 photos of them spanning at least 60 days; the collage shows up
// to 6, the best of each stretch of that time.
constexpr size_t kPersonMinPhotos = 4;
constexpr int64_t kPersonMinSpanDays = 60;
constexpr size_t kPersonMaxPhotos = 6;
constexpr double kRecencyDays = 120;    // recency halves about every 83 days
constexpr double kFeedbackStep = 0.05;  // per accepted (+) or dismissed (−) idea of a type
constexpr double kFeedbackCap = 0.25;
constexpr double kDismissedSource = 0.15;  // an idea from a source the owner dismissed before
constexpr double kSameTypePenalty = 0.08;  // re-ranking: per better-ranked idea of the type
constexpr double kSameSourcePenalty = 0.05;

double TypePrior(IdeaType type) {
  switch (type) {
    case IdeaType::kCollage:
      return 1.0;
    case IdeaType::kRecap:
      return 0.95;
    case IdeaType::kTheme:
      return 0.85;
    case IdeaType::kRestyle:
      return 0.7;
    case IdeaType::kEnhance:
      return 0.55;
  }
  return 0.5;
}

// Whether a file may appear in any idea: never a screenshot, and never what the models saw to be
// a document (receipt, slide, page) or sensitive content.
bool Eligible(const AssetFacts& a) {
  if (a.failed || a.kind == MediaKind::kScreenshot || !a.taken.has_value()) return false;
  return !(a.vision && (a.vision->document || a.vision->sensitive));
}

std::string LongDay(const LocalTime& t, bool with_year) {
  const CivilFields f = CivilFromSeconds(t.local_seconds);
  std::string s = fmt::format("{} {} {}", WeekdayName(WeekdayFromDays(t.LocalDay())), f.day,
                              kMonths[f.month - 1]);
  return with_year ? fmt::format("{} {}", s, f.year) : s;
}

std::string Subtitle(const Event& e) {
  std::string when = e.start.LocalDay() == e.end.LocalDay()
                         ? LongDay(e.start, true)
                         : fmt::format("{} – {}", LongDay(e.start, false), LongDay(e.end, true));
  std::string place = e.locality.empty()  ? e.country
                      : e.country.empty() ? e.locality
                                          : fmt::format("{}, {}", e.locality, e.country);
  return place.empty() ? when : fmt::format("{} · {}", when, place);
}

class Generator {
 public:
  explicit Generator(const IdeaInputs& in) : in_(in), assets_(*in.assets) {}

  std::vector<Idea> Run() {
    for (const Event& e : in_.events->events) {
      for (size_t m : e.members) event_title_[m] = e.title;
    }
    for (const Event& e : in_.events->events) EventIdeas(e);
    SeasonIdeas();
    MonthIdeas();
    OnThisDay();
    for (const PersonPhotos& person : in_.people) PersonIdea(person);
    EnhanceIdeas();
    return Rank();
  }

 private:
  const ColourStats* Colours(size_t i) const {
    return in_.colours.size() == assets_.size() ? &in_.colours[i] : nullptr;
  }

  void Add(Idea idea) {
    if (idea.members.empty()) return;
    // The id: type, source, variant and the bytes of the photos.
    FieldHash h;
    h.Add(IdeaTypeName(idea.type)).Add(idea.source).Add(idea.variant);
    for (size_t m : idea.members) h.Add(assets_[m].content_hash);
    const Digest d = h.Finish();
    idea.id = fmt::format("{}-{}", IdeaTypeName(idea.type), ToHex(std::span(d.data(), 6)));
    for (const Idea& other : ideas_) {
      if (other.id == idea.id) return;
    }
    ideas_.push_back(std::move(idea));
  }

  // The event's photos to show: its best shots, then its other photos by quality, never two of
  // one near-duplicate group; videos only in recaps.
  std::vector<size_t> Showcase(const Event& e, size_t limit, bool videos) const {
    std::set<size_t> losers;  // near-duplicates that are not their group's best
    for (const DuplicateGroup& g : e.duplicates) {
      for (size_t m : g.members) {
        if (m != g.best) losers.insert(m);
      }
    }
    std::vector<size_t> pool = e.best;
    std::vector<size_t> rest;
    for (size_t m : e.members) {
      if (!losers.count(m) && std::find(pool.begin(), pool.end(), m) == pool.end())
        rest.push_back(m);
    }
    std::stable_sort(rest.begin(), rest.end(), [&](size_t a, size_t b) {
      return assets_[a].quality.score > assets_[b].quality.score;
    });
    pool.insert(pool.end(), rest.begin(), rest.end());
    std::vector<size_t> out;
    for (size_t m : pool) {
      if (!Eligible(assets_[m])) continue;
      if (!videos && assets_[m].kind == MediaKind::kVideo) continue;
      if (out.size() < limit) out.push_back(m);
    }
    // Shown in the order they were taken.
    std::sort(out.begin(), out.end(), [&](size_t a, size_t b) {
      return assets_[a].taken->SortKey() < assets_[b].taken->SortKey();
    });
    return out;
  }

  double KmFromHome(const Event& e) const {
    const auto& home = in_.events->home;
    if (!home) return 0;
    std::vector<double> lats, lons;
    for (size_t m : e.members) {
      if (assets_[m].gps) {
        lats.push_back(assets_[m].gps->lat);
        lons.push_back(assets_[m].gps->lon);
      }
    }
    if (lats.empty()) return 0;
    std::nth_element(lats.begin(), lats.begin() + lats.size() / 2, lats.end());
    std::nth_element(lons.begin(), lons.begin() + lons.size() / 2, lons.end());
    return HaversineKm(home->lat, home->lon, lats[lats.size() / 2], lons[lons.size() / 2]);
  }

  // The event's themes; `photo_index` maps ThemeMatch::photo back to assets.
  std::vector<ThemeMatch> Themes(const Event& e, std::vector<size_t>* photo_index = nullptr) const {
    ThemeInput input;
    for (size_t m : e.members) {
      if (assets_[m].kind == MediaKind::kVideo || !Eligible(assets_[m])) continue;
      if (photo_index) photo_index->push_back(m);
      input.photos.push_back(&assets_[m]);
      std::vector<std::string> labels;
      if (assets_[m].vision) {
        // Themes rest on things the detector is sure of; its weaker finds are often wrong.
        for (const ObjectFact& o : assets_[m].vision->objects) {
          if (o.score >= kThemeObjectScore) labels.push_back(o.label);
        }
      }
      input.objects.push_back(std::move(labels));
      if (const ColourStats* c = Colours(m)) input.colours.push_back(*c);
    }
    if (input.colours.size() != input.photos.size()) input.colours.clear();
    input.trip = e.trip;
    input.locality = e.locality;
    input.km_from_home = KmFromHome(e);
    return MatchThemes(input);
  }

  // A look that suits the photo, rotating through the looks so that ideas differ.
  std::string LookFor(size_t photo, const std::vector<ThemeMatch>& themes) {
    std::vector<std::string> wanted;
    if (!themes.empty()) {
      switch (themes.front().theme) {
        case Theme::kGoldenHour:
          wanted = {"watercolour", "film"};
          break;
        // Party photos are photos of people: cartoon keeps faces readable, pop art is busier.
        case Theme::kNightOut:
        case Theme::kNewYear:
        case Theme::kHalloween:
          wanted = {"cartoon", "pop-art"};
          break;
        case Theme::kCityTrip:
          wanted = {"pencil-sketch", "watercolour"};
          break;
        case Theme::kBeach:
          wanted = {"film", "watercolour"};
          break;
        default:
          break;
      }
    }
    if (const ColourStats* c = Colours(photo)) {
      if (c->green >= 0.3 || (c->green >= 0.2 && c->dark >= 0.3)) wanted.push_back("oil-paint");
      if (c->warm >= 0.3) wanted.push_back("watercolour");
      if (c->sea_sky >= 0.4 || c->dark >= 0.4) wanted.push_back("film");  // moody light
    }
    // Bold, colourful subjects take pop art's flat inks best.
    if (assets_[photo].quality.colourfulness >= 45) wanted.push_back("pop-art");
    for (const char* look :
         {"cartoon", "pencil-sketch", "oil-paint", "watercolour", "pop-art", "film"}) {
      wanted.push_back(look);
    }
    for (const std::string& look : wanted) {
      if (!used_looks_.count(look)) {
        used_looks_.insert(look);
        return look;
      }
    }
    return wanted.front();
  }

  void EventIdeas(const Event& e) {
    const std::string source = "event:" + e.id;
    const std::string subtitle = Subtitle(e);
    const size_t photos = std::count_if(e.members.begin(), e.members.end(), [&](size_t m) {
      return assets_[m].kind != MediaKind::kVideo;
    });
    const size_t videos = e.members.size() - photos;
    const std::string what =
        e.trip ? fmt::format("your trip, {}", e.title) : fmt::format("{}", e.title);
    std::vector<size_t> theme_photos;
    const std::vector<ThemeMatch> themes = Themes(e, &theme_photos);

    Idea collage;
    collage.type = IdeaType::kCollage;
    collage.source = source;
    collage.title = e.title;
    collage.subtitle = subtitle;
    collage.members = Showcase(e, 6, false);
    const bool party = !themes.empty() && (themes.front().theme == Theme::kNightOut ||
                                           themes.front().theme == Theme::kBirthday);
    collage.variant = party ? "scrapbook" : "auto";
    collage.why = fmt::format("The best {} of {} photos from {}{}.", collage.members.size(), photos,
                              what, party ? ", as prints from a party scrapbook" : "");
    collage.evidence = {
        {"event",
         fmt::format("{} photos{} on {}", photos,
                     videos ? fmt::format(" and {} video{}", videos, videos > 1 ? "s" : "") : "",
                     subtitle)},
        {"choice", "best shots by sharpness, exposure and colour; one per burst"}};
    if (collage.members.size() >= 2) Add(collage);

    if (photos + videos >= 4) {
      Idea recap;
      recap.type = IdeaType::kRecap;
      recap.source = source;
      recap.title = e.title;
      recap.subtitle = subtitle;
      recap.members = Showcase(e, 10, true);
      const size_t clips = std::count_if(recap.members.begin(), recap.members.end(), [&](size_t m) {
        return assets_[m].kind == MediaKind::kVideo;
      });
      recap.why =
          fmt::format("A short video of {}: {} photos{}, with pan and zoom.", what,
                      recap.members.size() - clips,
                      clips ? fmt::format(" and {} clip{}", clips, clips > 1 ? "s" : "") : "");
      recap.evidence = {{"event", fmt::format("{} photo{}{}", photos, photos == 1 ? "" : "s",
                                              videos ? fmt::format(" and {} video{}", videos,
                                                                   videos > 1 ? "s" : "")
                                                     : "")}};
      Add(recap);
    }

    // Themes and restyles dress the event's best photo.
    auto best_photo = std::find_if(e.best.begin(), e.best.end(), [&](size_t m) {
      return assets_[m].kind == MediaKind::kPhoto && Eligible(assets_[m]);
    });
    if (best_photo == e.best.end()) return;
    const size_t hero = *best_photo;
    if (!themes.empty()) {
      const ThemeMatch& t = themes.front();
      Idea theme;
      theme.type = IdeaType::kTheme;
      theme.source = source;
      theme.title =
          fmt::format("{} · {}", ThemeLabel(t.theme), e.locality.empty() ? e.title : e.locality);
      theme.subtitle = subtitle;
      // The photo that shows the theme (the golden-hour one), else the event's best.
      theme.members = {t.photo ? theme_photos[*t.photo] : hero};
      theme.variant = std::string(ThemeName(t.theme));
      theme.evidence = t.evidence;
      theme.why =
          fmt::format("{} on {}: {}.", ThemeLabel(t.theme), e.title, t.evidence.front().detail);
      Add(theme);
    }
    Idea restyle;
    restyle.type = IdeaType::kRestyle;
    restyle.source = source;
    restyle.members = {hero};
    restyle.variant = LookFor(hero, themes);
    restyle.title = e.title;
    restyle.subtitle = subtitle;
    restyle.why = fmt::format("The best photo of {}, as {}.", e.title, restyle.variant);
    restyle.evidence = {{"choice", fmt::format("best shot of the event (quality {:.2f})",
                                               assets_[hero].quality.score)}};
    if (!themes.empty())
      restyle.evidence.push_back(
          {"look", fmt::format("{} suits {}", restyle.variant, ThemeLabel(themes.front().theme))});
    Add(restyle);
    PortraitIdea(e, source, subtitle);
  }

  // A collage of one person across time: their photos in time order cut into up to six equal
  // stretches, the best photo of each.
  void PersonIdea(const PersonPhotos& person) {
    std::vector<size_t> photos;
    for (size_t m : person.assets) {
      if (m < assets_.size() && assets_[m].kind == MediaKind::kPhoto && Eligible(assets_[m]))
        photos.push_back(m);
    }
    std::sort(photos.begin(), photos.end());
    photos.erase(std::unique(photos.begin(), photos.end()), photos.end());
    if (photos.size() < kPersonMinPhotos) return;
    std::sort(photos.begin(), photos.end(), [&](size_t a, size_t b) {
      return assets_[a].taken->SortKey() < assets_[b].taken->SortKey();
    });
    const LocalTime& first = *assets_[photos.front()].taken;
    const LocalTime& last = *assets_[photos.back()].taken;
    const int64_t span_days = (last.SortKey() - first.SortKey()) / 86400;
    if (span_days < kPersonMinSpanDays) return;
    const size_t n = std::min(kPersonMaxPhotos, photos.size());
    Idea idea;
    idea.type = IdeaType::kCollage;
    idea.source = fmt::format("person:{}", person.person_id);
    for (size_t k = 0; k < n; ++k) {
      const auto begin = photos.begin() + k * photos.size() / n;
      const auto end = photos.begin() + (k + 1) * photos.size() / n;
      idea.members.push_back(*std::max_element(begin, end, [&](size_t a, size_t b) {
        return assets_[a].quality.score < assets_[b].quality.score;
      }));
    }
    auto month = [](const LocalTime& t) {
      const CivilFields f = CivilFromSeconds(t.local_seconds);
      return fmt::format("{} {}", kMonths[f.month - 1], f.year);
    };
    const std::string who = person.name.empty() ? "the same person" : person.name;
    idea.title = person.name.empty() ? "Over time" : fmt::format("{} over time", person.name);
    idea.subtitle = fmt::format("{} – {}", month(first), month(last));
    idea.variant = "auto";
    idea.why = fmt::format("{} photos of {} from {} to {}: the best of each stretch of that time.",
                           n, who, month(first), month(last));
    idea.evidence = {{"people", fmt::format("{} in {} photos (face grouping)", who, photos.size())},
                     {"time", fmt::format("{} days between the first and the last", span_days)}};
    Add(idea);
  }

  // The share of photo `m` that its largest person (as the object detector saw it) fills.
  float PersonArea(size_t m) const {
    const auto& v = assets_[m].vision;
    if (!v) return 0;
    float best = 0;
    for (const ObjectFact& o : v->objects) {
      if (o.label == "person" && o.score >= kPortraitPersonScore)
        best = std::max(best, o.box.w * o.box.h);
    }
    return best;
  }

  // A portrait restyle (the background blurred like a fast lens's, or in black and white) of the
  // event's best photo in which a person stands out: the person segmentation model outlines the
  // main subject, so only photos where a person fills a good part of the frame qualify.
  void PortraitIdea(const Event& e, const std::string& source, const std::string& subtitle) {
    std::optional<size_t> pick;
    float pick_area = 0;
    for (size_t m : e.members) {
      if (assets_[m].kind != MediaKind::kPhoto || !Eligible(assets_[m])) continue;
      const float area = PersonArea(m);
      if (area < kPortraitMinArea || area > kPortraitMaxArea) continue;
      if (!pick || assets_[m].quality.score > assets_[*pick].quality.score) {
        pick = m;
        pick_area = area;
      }
    }
    if (!pick) return;
    Idea portrait;
    portrait.type = IdeaType::kRestyle;
    portrait.source = source;
    portrait.members = {*pick};
    // The two effects take turns across events, so that ideas differ.
    const bool blur = portraits_++ % 2 == 0;
    portrait.variant = blur ? "background-blur" : "colour-splash";
    portrait.title = e.title;
    portrait.subtitle = subtitle;
    portrait.why = fmt::format("A portrait from {}, {}.", e.title,
                               blur ? "the background softened as a fast lens would"
                                    : "the person in colour against a black-and-white background");
    portrait.evidence = {
        {"person", fmt::format("a person fills {:.0f}% of the photo", pick_area * 100)},
        {"choice", fmt::format("the sharpest such photo of the event (quality {:.2f})",
                               assets_[*pick].quality.score)}};
    Add(portrait);
  }

  // The best photo of each event of a period, then the best everyday photos, by time.
  std::vector<size_t> BestOfPeriod(const std::vector<size_t>& candidates, size_t limit) const {
    std::map<std::string, size_t> per_event;
    std::map<size_t, std::string> event_of;
    for (const Event& e : in_.events->events) {
      for (size_t m : e.members) event_of[m] = e.id;
    }
    // Spread over the period's events: each gets an equal share of the slots (at least two).
    std::set<std::string> events_here;
    for (size_t m : candidates) {
      if (auto ev = event_of.find(m); ev != event_of.end()) events_here.insert(ev->second);
    }
    const size_t share = std::max<size_t>(
        2, (limit + events_here.size() - 1) / std::max<size_t>(1, events_here.size()));
    std::vector<size_t> sorted = candidates;
    std::stable_sort(sorted.begin(), sorted.end(), [&](size_t a, size_t b) {
      return assets_[a].quality.score > assets_[b].quality.score;
    });
    std::vector<size_t> out;
    for (size_t m : sorted) {
      if (assets_[m].kind == MediaKind::kVideo) continue;
      auto ev = event_of.find(m);
      if (ev != event_of.end() && per_event[ev->second]++ >= share) continue;
      bool duplicate = false;
      for (size_t o : out) duplicate |= HammingDistance(assets_[o].phash, assets_[m].phash) <= 10;
      if (duplicate) continue;
      out.push_back(m);
      if (out.size() == limit) break;
    }
    std::sort(out.begin(), out.end(), [&](size_t a, size_t b) {
      return assets_[a].taken->SortKey() < assets_[b].taken->SortKey();
    });
    return out;
  }

  void PeriodCollage(const std::string& source, const std::string& title,
                     const std::string& subtitle, const std::vector<size_t>& candidates,
                     const std::string& why_prefix) {
    std::set<int64_t> days;
    for (size_t m : candidates) days.insert(assets_[m].taken->LocalDay());
    if (candidates.size() < 8 || days.size() < 3) return;
    Idea idea;
    idea.type = IdeaType::kCollage;
    idea.source = source;
    idea.title = title;
    idea.subtitle = subtitle;
    idea.variant = "auto";
    idea.members = BestOfPeriod(candidates, 9);
    idea.why = fmt::format("{}: the best {} of {} photos over {} days.", why_prefix,
                           idea.members.size(), candidates.size(), days.size());
    idea.evidence = {
        {"period", fmt::format("{} photos on {} days", candidates.size(), days.size())},
        {"choice", "the best photos, spread over the period's events, no near-duplicates"}};
    Add(idea);
  }

  void SeasonIdeas() {
    // Meteorological seasons; December belongs to the winter of the next year.
    std::map<std::pair<int, int>, std::vector<size_t>> by_season;  // (year, season 0..3)
    for (size_t i = 0; i < assets_.size(); ++i) {
      if (!Eligible(assets_[i]) || assets_[i].kind == MediaKind::kVideo) continue;
      const CivilFields f = CivilFromSeconds(assets_[i].taken->local_seconds);
      const int season = (f.month % 12) / 3;  // 0 winter, 1 spring, 2 summer, 3 autumn
      by_season[{f.month == 12 ? f.year + 1 : f.year, season}].push_back(i);
    }
    static constexpr std::string_view kNames[] = {"Winter", "Spring", "Summer", "Autumn"};
    static constexpr std::string_view kIds[] = {"winter", "spring", "summer", "autumn"};
    for (const auto& [key, members] : by_season) {
      const auto [year, season] = key;
      PeriodCollage(fmt::format("season:{}-{}", year, kIds[season]),
                    fmt::format("{} {}", kNames[season], year), "Your season in photos", members,
                    fmt::format("{} {}", kNames[season], year));
    }
  }

  void MonthIdeas() {
    std::map<std::pair<int, int>, std::vector<size_t>> by_month;
    for (size_t i = 0; i < assets_.size(); ++i) {
      if (!Eligible(assets_[i]) || assets_[i].kind == MediaKind::kVideo) continue;
      const CivilFields f = CivilFromSeconds(assets_[i].taken->local_seconds);
      by_month[{f.year, f.month}].push_back(i);
    }
    for (const auto& [key, members] : by_month) {
      if (members.size() < 10) continue;
      const auto [year, month] = key;
      PeriodCollage(fmt::format("month:{}-{:02}", year, month),
                    fmt::format("Best of {} {}", kMonths[month - 1], year), "The month in photos",
                    members, fmt::format("{} {}", kMonths[month - 1], year));
    }
  }

  void OnThisDay() {
    const CivilFields today = CivilFromSeconds(in_.today * 86400);
    std::map<int, std::vector<size_t>> by_year;
    for (size_t i = 0; i < assets_.size(); ++i) {
      if (!Eligible(assets_[i]) || assets_[i].kind == MediaKind::kVideo) continue;
      const CivilFields f = CivilFromSeconds(assets_[i].taken->local_seconds);
      if (f.year >= today.year) continue;
      // Within a day of today's date, in an earlier year (29 February counts as 1 March).
      const int64_t same_date = DaysFromCivil(f.year, today.month, today.day);
      if (std::llabs(DaysFromCivil(f.year, f.month, f.day) - same_date) <= 1) {
        by_year[f.year].push_back(i);
      }
    }
    for (const auto& [year, members] : by_year) {
      if (members.size() < 3) continue;
      const int ago = today.year - year;
      Idea idea;
      idea.type = IdeaType::kCollage;
      idea.source = fmt::format("on-this-day:{}", year);
      idea.title = ago == 1 ? "A year ago today" : fmt::format("{} years ago today", ago);
      idea.subtitle = fmt::format("{} {} {}", today.day, kMonths[today.month - 1], year);
      idea.variant = "auto";
      idea.members = BestOfPeriod(members, 6);
      idea.why = fmt::format("On this day in {}: {} photos.", year, members.size());
      idea.evidence = {{"date", fmt::format("{} {}, {} year{} ago", today.day,
                                            kMonths[today.month - 1], ago, ago > 1 ? "s" : "")}};
      Add(idea);
    }
  }

  // Photos that an automatic exposure, colour or straightening pass would help most.
  void EnhanceIdeas() {
    struct Candidate {
      size_t index;
      double need;
      std::string reason;
    };
    std::vector<Candidate> candidates;
    for (size_t i = 0; i < assets_.size(); ++i) {
      const AssetFacts& a = assets_[i];
      if (!Eligible(a) || a.kind != MediaKind::kPhoto) continue;
      const QualityMeasures& q = a.quality;
      Candidate c{i, 0, ""};
      auto consider = [&](double need, std::string reason) {
        if (need > c.need) {
          c.need = need;
          c.reason = std::move(reason);
        }
      };
      // Very dark photos are night skies and fireworks more often than mistakes: left alone.
      if (q.brightness < 0.3 && q.brightness >= 0.12) {
        consider((0.3 - q.brightness) * 3,
                 fmt::format("it is dark (mean brightness {:.2f})", q.brightness));
      }
      if (q.brightness > 0.72)
        consider((q.brightness - 0.72) * 3,
                 fmt::format("it is washed out (mean brightness {:.2f})", q.brightness));
      if (q.contrast < 0.12)
        consider((0.12 - q.contrast) * 6, fmt::format("it is flat (contrast {:.2f})", q.contrast));
      // Muted, not monochrome: a black-and-white photo is a choice, not a fault.
      if (q.colourfulness < 10 && q.colourfulness >= 2 && q.contrast >= 0.12) {
        consider((10 - q.colourfulness) / 20,
                 fmt::format("its colours are muted (colourfulness {:.0f})", q.colourfulness));
      }
      if (c.need > 0.15) candidates.push_back(std::move(c));
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.need > b.need; });
    if (candidates.size() > 2) candidates.resize(2);
    for (const Candidate& c : candidates) {
      Idea idea;
      idea.type = IdeaType::kEnhance;
      idea.source = "photo:" + assets_[c.index].content_hash.substr(0, 12);
      idea.title = event_title_.count(c.index)
                       ? fmt::format("Enhanced · {}", event_title_.at(c.index))
                       : "Enhanced";
      idea.subtitle = LongDay(*assets_[c.index].taken, true);
      idea.members = {c.index};
      idea.why = fmt::format("This photo could look better: {}.", c.reason);
      idea.evidence = {{"quality", c.reason}};
      Add(idea);
    }
  }

  std::vector<Idea> Rank() {
    std::set<std::string> dismissed_ids, dismissed_sources;
    std::map<IdeaType, int> net;
    for (const Feedback& f : in_.feedback) {
      net[f.type] += f.accepted ? 1 : -1;
      if (!f.accepted) {
        dismissed_ids.insert(f.idea_id);
        dismissed_sources.insert(f.source);
      }
    }
    std::vector<Idea> pool;
    for (Idea& idea : ideas_) {
      if (dismissed_ids.count(idea.id)) continue;
      int64_t last_day = 0;
      double quality = 0;
      for (size_t m : idea.members) {
        last_day = std::max(last_day, assets_[m].taken->LocalDay());
        quality += assets_[m].quality.score;
      }
      quality /= static_cast<double>(idea.members.size());
      const double age = static_cast<double>(std::max<int64_t>(0, in_.today - last_day));
      const double recency = std::exp(-age / kRecencyDays);
      size_t near_dups = 0;
      for (size_t a = 0; a < idea.members.size(); ++a) {
        for (size_t b = a + 1; b < idea.members.size(); ++b) {
          near_dups +=
              HammingDistance(assets_[idea.members[a]].phash, assets_[idea.members[b]].phash) <= 10;
        }
      }
      const double diversity = 1.0 / (1.0 + static_cast<double>(near_dups));
      double with_people = 0;
      for (size_t m : idea.members) {
        const auto& v = assets_[m].vision;
        with_people += v && v->CountOf("person", 0.5f) > 0;
      }
      const double people = with_people / static_cast<double>(idea.members.size());
      const double prior = TypePrior(idea.type);
      const double feedback =
          std::clamp(kFeedbackStep * net[idea.type], -kFeedbackCap, kFeedbackCap) -
          (dismissed_sources.count(idea.source) ? kDismissedSource : 0);
      idea.score = kRecencyWeight * recency + kQualityWeight * quality +
                   kDiversityWeight * diversity + kTypeWeight * prior + kPeopleWeight * people +
                   feedback;
      idea.score_parts = {{"recency", recency}, {"quality", quality}, {"diversity", diversity},
                          {"type", prior},      {"people", people},   {"feedback", feedback}};
      pool.push_back(std::move(idea));
    }
    // Greedy re-ranking: each pick costs the ideas of its type and source a little.
    std::vector<Idea> ranked;
    std::map<IdeaType, int> type_count;
    std::map<std::string, int> source_count;
    while (!pool.empty()) {
      size_t best = 0;
      double best_score = -1e9;
      for (size_t i = 0; i < pool.size(); ++i) {
        const double s = pool[i].score - kSameTypePenalty * type_count[pool[i].type] -
                         kSameSourcePenalty * source_count[pool[i].source];
        if (s > best_score + 1e-12) {
          best_score = s;
          best = i;
        }
      }
      Idea pick = std::move(pool[best]);
      pool.erase(pool.begin() + static_cast<ptrdiff_t>(best));
      pick.score_parts.emplace_back("novelty", best_score - pick.score);
      pick.score = best_score;
      ++type_count[pick.type];
      ++source_count[pick.source];
      ranked.push_back(std::move(pick));
    }
    return ranked;
  }

  const IdeaInputs& in_;
  const std::vector<AssetFacts>& assets_;
  std::vector<Idea> ideas_;
  std::set<std::string> used_looks_;
  size_t portraits_ = 0;
  std::map<size_t, std::string> event_title_;  // asset → the title of its event
};

}  // namespace

std::string_view IdeaTypeName(IdeaType type) {
  switch (type) {
    case IdeaType::kCollage:
      return "collage";
    case IdeaType::kRecap:
      return "recap";
    case IdeaType::kRestyle:
      return "restyle";
    case IdeaType::kTheme:
      return "theme";
    case IdeaType::kEnhance:
      return "enhance";
  }
  return "collage";
}

std::optional<IdeaType> IdeaTypeFromName(std::string_view name) {
  for (IdeaType t : {IdeaType::kCollage, IdeaType::kRecap, IdeaType::kRestyle, IdeaType::kTheme,
                     IdeaType::kEnhance}) {
    if (IdeaTypeName(t) == name) return t;
  }
  return std::nullopt;
}

std::vector<Idea> GenerateIdeas(const IdeaInputs& inputs) {
  if (!inputs.assets || !inputs.events) return {};
  return Generator(inputs).Run();
}

}  // namespace camroll
