#include "scan/vision_pass.h"

#include <chrono>
#include <ctime>
#include <optional>
#include <thread>

#include "core/files.h"
#include "core/thread_pool.h"
#include "media/decode.h"

namespace camroll {
namespace {

struct Seen {
  size_t index = 0;
  std::optional<VisionFacts> vision;
  std::optional<std::vector<FaceFact>> faces;
  std::string error;
};

Seen Look(const VisionTodo& todo, size_t index, const std::filesystem::path& data_dir,
          const FileStore& files, const VisionAnalyzer& analyzer) {
  Seen s;
  s.index = index;
  auto bytes = files.Read(data_dir / todo.preview, 64ull << 20);
  if (!bytes) {
    s.error = bytes.error().message();
    return s;
  }
  // The preview is upright and small: decode it whole.
  auto img = DecodeImageScaled(*bytes, SniffFormat(*bytes), 1 << 14, {});
  if (!img) {
    s.error = img.error().message();
    return s;
  }
  if (todo.vision) {
    auto v = analyzer.See(*img);
    if (!v) {
      s.error = v.error().message();
      return s;
    }
    s.vision = std::move(*v);
  }
  if (todo.faces) {
    auto f = analyzer.Faces(*img);
    if (!f) {
      s.error = f.error().message();
      return s;
    }
    s.faces = std::move(*f);
  }
  return s;
}

}  // namespace

Result<VisionPassStats> RunVisionPass(Catalog& catalog, int64_t roll_id,
                                      const std::filesystem::path& data_dir,
                                      const VisionAnalyzer& analyzer,
                                      const VisionPassOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const int64_t now = options.now_utc != 0 ? options.now_utc : std::time(nullptr);
  CAMROLL_ASSIGN_OR_RETURN(auto todo,
                           catalog.FindVisionTodo(roll_id, kVisionVersion,
                                                  analyzer.faces_enabled() ? kFacesVersion : 0));
  VisionPassStats stats;
  std::vector<NewFace> new_faces;
  if (!todo.empty()) {
    size_t threads =
        options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    BlockingQueue<Seen> results;
    {
      ThreadPool pool(std::min(threads, todo.size()));
      for (size_t i = 0; i < todo.size(); ++i) {
        pool.Submit([&, i] {
          results.Push(Look(todo[i], i, data_dir, FilesOrPlain(options.files), analyzer));
        });
      }
      // Write as results come, in batches, from this thread.
      size_t done = 0;
      while (done < todo.size()) {
        CAMROLL_ASSIGN_OR_RETURN(auto tx, catalog.Begin());
        size_t batch = 0;
        while (done < todo.size() && batch < 32) {
          auto s = results.Pop();
          if (!s) break;
          ++done;
          ++batch;
          const VisionTodo& t = todo[s->index];
          if (!s->error.empty()) {
            ++stats.failed;
            stats.errors.push_back(t.path + ": " + s->error);
            continue;
          }
          ++stats.seen;
          if (s->vision) {
            CAMROLL_RETURN_IF_ERROR(catalog.PutVision(t.asset_id, *s->vision, kVisionVersion,
                                                      analyzer.ModelNames(), now));
          }
          if (s->faces) {
            CAMROLL_ASSIGN_OR_RETURN(auto ids,
                                     catalog.PutFaces(t.asset_id, *s->faces, kFacesVersion, now));
            for (size_t k = 0; k < ids.size(); ++k) {
              const FaceFact& f = (*s->faces)[k];
              new_faces.push_back({ids[k], f.embedding, f.quality, f.size_px});
            }
            stats.faces += ids.size();
          }
          if (options.on_progress) options.on_progress(done, todo.size());
        }
        CAMROLL_RETURN_IF_ERROR(tx.Commit());
      }
    }
  }
  if (analyzer.faces_enabled()) {
    // New faces join people; faces of files re-seen replaced theirs (the catalog dropped them).
    CAMROLL_ASSIGN_OR_RETURN(auto tx, catalog.Begin());
    CAMROLL_ASSIGN_OR_RETURN(PeopleState state, catalog.LoadPeople());
    std::erase_if(state.faces, [&](const FaceState& f) {
      return std::any_of(new_faces.begin(), new_faces.end(),
                         [&](const NewFace& n) { return n.id == f.id; });
    });
    CAMROLL_ASSIGN_OR_RETURN(auto index, PeopleIndex::FromState(std::move(state)));
    if (!new_faces.empty()) {
      CAMROLL_ASSIGN_OR_RETURN(stats.people, index.Assign(std::move(new_faces)));
    }
    CAMROLL_RETURN_IF_ERROR(catalog.SavePeople(index.State()));
    CAMROLL_RETURN_IF_ERROR(tx.Commit());
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace camroll
