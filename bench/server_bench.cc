// Server benchmarks, each beside its baseline in the same run:
//   1. upload throughput on loopback: camroll's tus endpoint (one PATCH, and 8 MB chunks each
//      fsynced) against a plain HTTP PUT of the same file to a bare cpp-httplib sink that writes
//      and fsyncs it, and against the raw SHA-256 and sealing speeds of the file (the work tus
//      adds: the whole-file hash, and encryption at rest when the upload finishes);
//   2. GET /v1/ideas latency (p50, p99) for a user with 10,000 assets.
//   server_bench [--mb 256] [--assets 10000] [--requests 200]
#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>

#include "core/sha256.h"
#include "pipeline/pipeline.h"
#include "server/api.h"
#include "server/notices.h"
#include "server/sealed.h"
#include "server/service.h"
#include "testing/testing.h"

using namespace camroll;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Streams a file as a request body.
httplib::ContentProvider FileBody(const std::filesystem::path& path, size_t from = 0) {
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  return [in, from](size_t offset, size_t length, httplib::DataSink& sink) {
    std::vector<char> buf(std::min<size_t>(length, 1 << 20));
    in->seekg(static_cast<std::streamoff>(from + offset));
    in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
    return sink.write(buf.data(), static_cast<size_t>(in->gcount()));
  };
}

// A bare HTTP sink: PUT bodies are written to a file and fsynced.
double PlainPut(const std::filesystem::path& file, const std::filesystem::path& out, size_t size) {
  httplib::Server sink;
  sink.Put("/sink", [&](const httplib::Request&, httplib::Response& res,
                        const httplib::ContentReader& reader) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    reader([&](const char* data, size_t n) {
      return ::write(fd, data, n) == static_cast<ssize_t>(n);
    });
    ::fdatasync(fd);
    ::close(fd);
    res.status = 204;
  });
  const int port = sink.bind_to_any_port("127.0.0.1");
  std::thread t([&] { sink.listen_after_bind(); });
  httplib::Client c("127.0.0.1", port);
  const auto start = Clock::now();
  auto r = c.Put("/sink", size, FileBody(file), "application/octet-stream");
  const double s = Seconds(start);
  sink.stop();
  t.join();
  if (!r || r->status != 204) std::fprintf(stderr, "plain PUT failed\n");
  return s;
}

double TusUpload(httplib::Client& c, const std::string& token, const std::filesystem::path& file,
                 size_t size, size_t chunk) {
  const auto start = Clock::now();
  httplib::Headers h{{"Authorization", "Bearer " + token},
                     {"Tus-Resumable", "1.0.0"},
                     {"Upload-Length", std::to_string(size)}};
  auto created = c.Post("/v1/uploads", h, "", "application/offset+octet-stream");
  if (!created || created->status != 201) {
    std::fprintf(stderr, "POST failed\n");
    return 0;
  }
  const std::string url = created->get_header_value("Location");
  for (size_t offset = 0; offset < size; offset += chunk) {
    const size_t n = std::min(chunk, size - offset);
    httplib::Headers p{{"Authorization", "Bearer " + token},
                       {"Tus-Resumable", "1.0.0"},
                       {"Upload-Offset", std::to_string(offset)}};
    auto r = c.Patch(url, p, n, FileBody(file, offset), "application/offset+octet-stream");
    if (!r || r->status != 204) {
      std::fprintf(stderr, "PATCH failed: %d\n", r ? r->status : -1);
      return 0;
    }
  }
  return Seconds(start);
}

// A user catalog with `n` photos in bursts (events) over two years, and its ideas.
Status MakeBigRoll(server::Service& service, int64_t user, int n) {
  std::filesystem::create_directories(service.UserRoll(user));
  CAMROLL_ASSIGN_OR_RETURN(auto options, service.CatalogOptions(user));
  CAMROLL_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(service.UserData(user), options));
  std::error_code ec;
  CAMROLL_ASSIGN_OR_RETURN(
      int64_t roll,
      catalog->EnsureRoll(std::filesystem::weakly_canonical(service.UserWork(user), ec).string()));
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0, 1);
  const int64_t start = 1'730'000'000;
  int64_t t = start;
  {
    CAMROLL_ASSIGN_OR_RETURN(auto tx, catalog->Begin());
    for (int i = 0; i < n; ++i) {
      // 25 photos a burst, a burst every few days.
      t += i % 25 == 0 ? static_cast<int64_t>(86400 * (1 + 5 * unit(rng)))
                       : 60 + static_cast<int64_t>(600 * unit(rng));
      AssetFacts a;
      const std::string hash = ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(&i), sizeof i}));
      a.path = hash.substr(0, 32) + ".jpg";
      a.size_bytes = 3'000'000;
      a.content_hash = hash;
      a.format = Format::kJpeg;
      a.width = 4032;
      a.height = 3024;
      a.taken = LocalTime{t, 60};
      a.time_source = TimeSource::kExifOriginal;
      a.offset_source = OffsetSource::kExif;
      a.gps = GpsFix{38.7 + unit(rng) * 0.1, -9.1 + unit(rng) * 0.1, std::nullopt};
      a.quality.score = unit(rng);
      a.quality.sharpness = 500 * unit(rng);
      a.phash = rng();
      a.dhash = rng();
      CAMROLL_RETURN_IF_ERROR(catalog->PutAsset(roll, a, 1, start));
      server::Asset row;
      row.user = user;
      row.sha256 = hash;
      row.file = "originals/" + a.path;
      row.name = fmt::format("IMG_{:05}.jpg", i);
      row.type = "image/jpeg";
      row.size = 3'000'000;
      row.created = start;
      CAMROLL_ASSIGN_OR_RETURN(int64_t id, service.store().AddAsset(row));
      (void)id;
    }
    CAMROLL_RETURN_IF_ERROR(tx.Commit());
  }
  CAMROLL_ASSIGN_OR_RETURN(RollModel model, LoadRoll(*catalog, roll));
  CAMROLL_RETURN_IF_ERROR(catalog->ReplaceEvents(roll, model.assets, model.events, start));
  CAMROLL_ASSIGN_OR_RETURN(auto ideas, MakeIdeas(*catalog, model, service.UserData(user), {}));
  // The Story composer lists rendered ideas only: give each a file, as a run would.
  for (const Idea& idea : ideas) {
    CAMROLL_RETURN_IF_ERROR(
        catalog->SetIdeaFiles(roll, idea.id, {"renders/" + idea.id + "/story.jpg"}));
  }
  std::printf("  %d assets, %zu events, %zu ideas\n", n, model.events.events.size(), ideas.size());
  return Ok();
}

// Loading the whole roll (every asset's facts) from the user's sealed catalog and from a plain
// copy of it: what sealing the catalog's pages costs a read-heavy query. Best of 5, ms.
Result<std::pair<double, double>> SealedAgainstPlain(server::Service& service, int64_t user,
                                                     const std::filesystem::path& scratch) {
  CAMROLL_ASSIGN_OR_RETURN(auto options, service.CatalogOptions(user));
  const auto plain_dir = scratch / "plain-catalog";
  std::filesystem::create_directories(plain_dir);
  {
    CAMROLL_ASSIGN_OR_RETURN(
        auto db, sqlite::Database::Open(service.UserData(user) / "catalog.db", options));
    CAMROLL_RETURN_IF_ERROR(db.Exec(
        fmt::format("VACUUM INTO 'file:{}?vfs=unix'", (plain_dir / "catalog.db").string())));
  }
  std::error_code ec;
  const std::string root = std::filesystem::weakly_canonical(service.UserWork(user), ec).string();
  double best[2] = {1e9, 1e9};
  for (int round = 0; round < 5; ++round) {
    for (int sealed = 0; sealed < 2; ++sealed) {
      const auto t = Clock::now();
      CAMROLL_ASSIGN_OR_RETURN(auto catalog, sealed ? OpenCatalog(service.UserData(user), options)
                                                    : OpenCatalog(plain_dir));
      CAMROLL_ASSIGN_OR_RETURN(int64_t roll, catalog->EnsureRoll(root));
      CAMROLL_ASSIGN_OR_RETURN(RollModel model, LoadRoll(*catalog, roll));
      best[sealed] = std::min(best[sealed], Seconds(t) * 1000);
    }
  }
  return std::pair<double, double>{best[1], best[0]};
}

}  // namespace

int main(int argc, char** argv) {
  size_t mb = 256;
  int assets = 10'000, requests = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--mb") mb = std::stoul(argv[i + 1]);
    if (flag == "--assets") assets = std::stoi(argv[i + 1]);
    if (flag == "--requests") requests = std::stoi(argv[i + 1]);
  }
  testing::TempDir dir;
  const size_t size = mb << 20;
  const auto file = dir / "upload.bin";
  {
    std::mt19937_64 rng(1);
    std::ofstream out(file, std::ios::binary);
    std::vector<uint64_t> block(1 << 17);
    for (size_t written = 0; written < size; written += block.size() * 8) {
      for (auto& w : block) w = rng();
      out.write(reinterpret_cast<const char*>(block.data()),
                static_cast<std::streamsize>(block.size() * 8));
    }
  }
  std::printf("upload of %zu MB on loopback (best of 3):\n", mb);
  double sha = 1e9, plain = 1e9, tus_one = 1e9, tus_chunks = 1e9;
  for (int round = 0; round < 3; ++round) {
    auto t = Clock::now();
    (void)Sha256OfFile(file);
    sha = std::min(sha, Seconds(t));
    plain = std::min(plain, PlainPut(file, dir / "sink.bin", size));
  }
  // Encryption at rest: what finishing an upload (seal) and a job or download (unseal) add.
  double seal = 1e9, unseal = 1e9;
  const server::SecretKey key = server::SecretKey::Random();
  for (int round = 0; round < 3; ++round) {
    auto t = Clock::now();
    if (auto st = server::SealFile(file, dir / "sealed.bin", key, "bench"); !st) {
      std::fprintf(stderr, "%s\n", st.error().message().c_str());
      return 1;
    }
    seal = std::min(seal, Seconds(t));
    t = Clock::now();
    if (auto st = server::UnsealFile(dir / "sealed.bin", dir / "unsealed.bin", key, "bench"); !st) {
      std::fprintf(stderr, "%s\n", st.error().message().c_str());
      return 1;
    }
    unseal = std::min(unseal, Seconds(t));
  }
  std::filesystem::remove(dir / "sealed.bin");
  std::filesystem::remove(dir / "unsealed.bin");
  server::ServerOptions o;
  o.data_dir = dir / "server";
  o.tus.max_size = int64_t{8} << 30;
  o.process_delay_s = 1'000'000;  // uploads only: no processing during the bench
  auto service = server::Service::Open(o);
  if (!service) {
    std::fprintf(stderr, "%s\n", service.error().message().c_str());
    return 1;
  }
  const std::string token = *(*service)->CreateUser("bench", "correct horse battery");
  const int64_t user = (*(*service)->Authenticate(token))->user;
  (void)(*service)->SetSwitch(user, server::kCloudProcessing, true, "api");
  server::ApiOptions a;
  a.port = 0;
  server::Api api(**service, a);
  (void)api.Start();
  httplib::Client c("127.0.0.1", api.port());
  c.set_read_timeout(300, 0);
  for (int round = 0; round < 3; ++round) {
    (void)(*service)->SetSwitch(user, server::kCloudProcessing, false, "api");  // purge: fresh
    (void)(*service)->SetSwitch(user, server::kCloudProcessing, true, "api");
    tus_one = std::min(tus_one, TusUpload(c, token, file, size, size));
    (void)(*service)->SetSwitch(user, server::kCloudProcessing, false, "api");
    (void)(*service)->SetSwitch(user, server::kCloudProcessing, true, "api");
    tus_chunks = std::min(tus_chunks, TusUpload(c, token, file, size, 8 << 20));
  }
  auto rate = [&](double s) { return static_cast<double>(mb) / s; };
  std::printf("  %-44s %8.0f MB/s\n", "SHA-256 of the file (the hash tus adds)", rate(sha));
  std::printf("  %-44s %8.0f MB/s\n", "seal a file (secretstream, write, fsync)", rate(seal));
  std::printf("  %-44s %8.0f MB/s\n", "unseal a file (verify, decrypt, write)", rate(unseal));
  std::printf("  %-44s %8.0f MB/s\n", "plain HTTP PUT to a write+fsync sink", rate(plain));
  std::printf("  %-44s %8.0f MB/s\n", "camroll tus, one PATCH (+ SHA-256 + seal)", rate(tus_one));
  std::printf("  %-44s %8.0f MB/s\n", "camroll tus, 8 MB PATCHes, each fsynced", rate(tus_chunks));

  std::printf("GET /v1/ideas?surface=story with %d assets (%d requests):\n", assets, requests);
  const std::string token2 = *(*service)->CreateUser("many", "correct horse battery");
  const int64_t user2 = (*(*service)->Authenticate(token2))->user;
  (void)(*service)->SetSwitch(user2, server::kCloudProcessing, true, "api");
  if (auto st = MakeBigRoll(**service, user2, assets); !st) {
    std::fprintf(stderr, "%s\n", st.error().message().c_str());
    return 1;
  }
  auto load = SealedAgainstPlain(**service, user2, dir.path());
  if (!load) {
    std::fprintf(stderr, "%s\n", load.error().message().c_str());
    return 1;
  }
  std::printf("  load the whole roll: sealed catalog %.0f ms, plain copy %.0f ms\n", load->first,
              load->second);
  std::vector<double> ms;
  size_t bytes = 0;
  for (int i = 0; i < requests; ++i) {
    const auto t = Clock::now();
    auto r = c.Get("/v1/ideas?surface=story", {{"Authorization", "Bearer " + token2}});
    ms.push_back(Seconds(t) * 1000);
    if (!r || r->status != 200) {
      std::fprintf(stderr, "GET /v1/ideas failed\n");
      return 1;
    }
    bytes = r->body.size();
  }
  std::sort(ms.begin(), ms.end());
  std::printf("  p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu bytes of JSON)\n", ms[ms.size() / 2],
              ms[ms.size() * 99 / 100], ms.back(), bytes);
  api.Stop();
  return 0;
}
