// Video metadata and frames through the FFmpeg libraries (libavformat, libavcodec, libswscale).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include "media/decode.h"
#include "media/metadata.h"

namespace camroll {
namespace {

std::string AvErrorString(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

struct FormatCloser {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct CodecFreer {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;

Result<FormatPtr> OpenInput(const std::filesystem::path& path) {
  av_log_set_level(AV_LOG_QUIET);
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("unreadable video: {}", AvErrorString(rc)));
  }
  FormatPtr ctx(raw);
  rc = avformat_find_stream_info(ctx.get(), nullptr);
  if (rc < 0) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("unreadable video streams: {}", AvErrorString(rc)));
  }
  return ctx;
}

std::string Tag(const AVDictionary* dict, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
  return e && e->value ? std::string(e->value) : std::string();
}

// ISO 6709 as written by phones: "+38.6446-009.2386/", "+32.0929+034.8620+028.516/".
std::optional<GpsFix> ParseIso6709(const std::string& text) {
  double values[3];
  int count = 0;
  size_t pos = 0;
  while (count < 3 && pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    size_t end = pos + 1;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
      ++end;
    }
    if (end == pos + 1) break;
    values[count++] = std::strtod(text.substr(pos, end - pos).c_str(), nullptr);
    pos = end;
  }
  if (count < 2) return std::nullopt;
  GpsFix fix{values[0], values[1], std::nullopt};
  if (count == 3) fix.altitude_m = values[2];
  return fix;
}

uint64_t BigEndian(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// The local recording time that Android phones write into moov/udta/date ("2020-11-20T15:04:02
// +0100") and QuickTime cameras into moov/udta/©day, which libavformat does not report. Reads box
// headers only, skipping the media data; gives up on anything malformed.
std::optional<LocalTime> UserDataDate(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  std::vector<uint8_t> moov;
  uint8_t header[16];
  for (int boxes = 0; boxes < 64 && std::fread(header, 1, 8, f) == 8; ++boxes) {
    uint64_t size = BigEndian(header, 4);
    size_t header_size = 8;
    if (size == 1) {
      if (std::fread(header + 8, 1, 8, f) != 8) return std::nullopt;
      size = BigEndian(header + 8, 8);
      header_size = 16;
    }
    if (size != 0 && size < header_size) return std::nullopt;
    const bool is_moov = std::memcmp(header + 4, "moov", 4) == 0;
    if (is_moov) {
      if (size == 0 || size > (16u << 20)) return std::nullopt;  // a sane moov is small
      moov.resize(size - header_size);
      if (std::fread(moov.data(), 1, moov.size(), f) != moov.size()) return std::nullopt;
      break;
    }
    if (size == 0 || std::fseek(f, static_cast<long>(size - header_size), SEEK_CUR) != 0) break;
  }
  // moov → udta → date | ©day
  auto find = [](std::span<const uint8_t> within, const char* type) -> std::span<const uint8_t> {
    size_t off = 0;
    while (off + 8 <= within.size()) {
      const uint64_t size = BigEndian(within.data() + off, 4);
      if (size < 8 || off + size > within.size()) break;
      if (std::memcmp(within.data() + off + 4, type, 4) == 0) {
        return within.subspan(off + 8, size - 8);
      }
      off += size;
    }
    return {};
  };
  std::span<const uint8_t> udta = find(moov, "udta");
  if (udta.empty()) return std::nullopt;
  std::string text;
  if (auto date = find(udta, "date"); !date.empty()) {
    text.assign(date.begin(), date.end());
  } else if (auto day = find(udta,
                             "\xA9"
                             "day");
             day.size() > 4) {
    text.assign(day.begin() + 4, day.end());  // QuickTime string: 16-bit length, language
  }
  return ParseIso8601(text);
}

// The clockwise rotation (0, 90, 180, 270) a player applies, as an EXIF orientation.
int OrientationFromDisplayMatrix(const AVStream* stream) {
  const uint8_t* sd = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!sd) return 1;
  double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(sd));
  if (std::isnan(ccw)) return 1;
  int cw = static_cast<int>(std::lround(-ccw)) % 360;
  if (cw < 0) cw += 360;
  switch ((cw + 45) / 90 % 4) {
    case 1:
      return 6;
    case 2:
      return 3;
    case 3:
      return 8;
    default:
      return 1;
  }
}

}  // namespace

Result<MediaMetadata> ReadVideoMetadata(const std::filesystem::path& path) {
  CAMROLL_ASSIGN_OR_RETURN(FormatPtr ctx, OpenInput(path));
  int index = av_find_best_stream(ctx.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return Fail(ErrorCode::kInvalidInput, "no video stream");
  const AVStream* stream = ctx->streams[index];
  MediaMetadata md;
  md.width = stream->codecpar->width;
  md.height = stream->codecpar->height;
  md.orientation = OrientationFromDisplayMatrix(stream);
  if (const AVCodecDescriptor* d = avcodec_descriptor_get(stream->codecpar->codec_id)) {
    md.video_codec = d->name;
  }
  if (ctx->duration > 0) md.duration_s = static_cast<double>(ctx->duration) / AV_TIME_BASE;

  const AVDictionary* tags = ctx->metadata;
  // Apple writes the local time with its offset; every MP4/MOV has a UTC creation_time.
  // Local recording times, most specific first: Apple's creationdate, the ©day tag ("date"),
  // then Android's moov/udta/date box.
  std::optional<LocalTime> local = ParseIso8601(Tag(tags, "com.apple.quicktime.creationdate"));
  if (!local) local = ParseIso8601(Tag(tags, "date"));
  if (!local) local = UserDataDate(path);
  if (local) {
    md.taken = local;
    md.time_source = TimeSource::kVideoLocal;
    if (local->offset_minutes) md.offset_source = OffsetSource::kVideo;
  }
  if (!md.taken) {
    std::string created = Tag(tags, "creation_time");
    if (created.empty()) created = Tag(stream->metadata, "creation_time");
    if (auto t = ParseIso8601(created); t) {
      // A UTC instant: the local reading is unknown until an offset is found for it (the
      // scan borrows one from photos taken around it). 1904-01-01 / 1970 are "unset" markers.
      int year = CivilFromSeconds(t->local_seconds).year;
      if (year > 1971) {
        int64_t utc = *t->Utc();
        md.taken = LocalTime{utc, std::nullopt};
        md.time_source = TimeSource::kVideoUtc;
        md.gps_utc = utc;  // the instant is known exactly: a later offset fixes the local time
      }
    }
  }
  for (const char* key : {"com.apple.quicktime.location.ISO6709", "location"}) {
    if (auto fix = ParseIso6709(Tag(tags, key))) {
      md.gps = fix;
      break;
    }
  }
  md.make = Tag(tags, "com.apple.quicktime.make");
  if (md.make.empty()) md.make = Tag(tags, "com.android.manufacturer");
  md.model = Tag(tags, "com.apple.quicktime.model");
  if (md.model.empty()) md.model = Tag(tags, "com.android.model");
  md.software = Tag(tags, "com.apple.quicktime.software");
  return md;
}

Result<RgbImage> DecodeVideoFrame(const std::filesystem::path& path, int long_edge,
                                  const DecodeOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(FormatPtr ctx, OpenInput(path));
  const AVCodec* codec = nullptr;
  int index = av_find_best_stream(ctx.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (index < 0 || !codec) return Fail(ErrorCode::kUnsupported, "no decodable video stream");
  AVStream* stream = ctx->streams[index];
  const uint64_t w = static_cast<uint64_t>(std::max(0, stream->codecpar->width));
  const uint64_t h = static_cast<uint64_t>(std::max(0, stream->codecpar->height));
  if (w * h > options.max_pixels) {
    return Fail(ErrorCode::kLimit,
                fmt::format("video frames of {}x{} exceed the pixel limit", w, h));
  }
  std::unique_ptr<AVCodecContext, CodecFreer> dec(avcodec_alloc_context3(codec));
  if (!dec || avcodec_parameters_to_context(dec.get(), stream->codecpar) < 0) {
    return Fail(ErrorCode::kInternal, "cannot set up the video decoder");
  }
  dec->thread_count = 1;
  if (int rc = avcodec_open2(dec.get(), codec, nullptr); rc < 0) {
    return Fail(ErrorCode::kUnsupported, fmt::format("cannot open decoder: {}", AvErrorString(rc)));
  }
  // A frame a third of the way into the first three seconds: past fades from black, cheap to
  // reach. Seek to the keyframe before it and decode forward.
  double duration = ctx->duration > 0 ? static_cast<double>(ctx->duration) / AV_TIME_BASE : 0;
  double target_s = std::min(1.0, duration / 3.0);
  int64_t target_ts = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
  target_ts += av_rescale_q(static_cast<int64_t>(target_s * AV_TIME_BASE), AV_TIME_BASE_Q,
                            stream->time_base);
  if (target_s > 0) av_seek_frame(ctx.get(), index, target_ts, AVSEEK_FLAG_BACKWARD);

  std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
  std::unique_ptr<AVFrame, FrameFreer> chosen;  // the last decoded frame, up to the target
  bool done = false, draining = false;
  while (!done) {
    if (!draining) {
      if (av_read_frame(ctx.get(), packet.get()) < 0) {
        draining = true;
        avcodec_send_packet(dec.get(), nullptr);
      } else {
        if (packet->stream_index == index) avcodec_send_packet(dec.get(), packet.get());
        av_packet_unref(packet.get());
      }
    }
    for (;;) {
      int rc = avcodec_receive_frame(dec.get(), frame.get());
      if (rc == AVERROR(EAGAIN)) break;
      if (rc < 0) {  // end of stream, or a frame the decoder could not rebuild
        if (draining) done = true;
        break;
      }
      bool reached = frame->best_effort_timestamp == AV_NOPTS_VALUE ||
                     frame->best_effort_timestamp >= target_ts;
      chosen.reset(av_frame_clone(frame.get()));
      av_frame_unref(frame.get());
      if (reached) {
        done = true;
        break;
      }
    }
  }
  if (!chosen) return Fail(ErrorCode::kInvalidInput, "no decodable frame in the video");

  const int src_w = chosen->width, src_h = chosen->height;
  if (src_w <= 0 || src_h <= 0) return Fail(ErrorCode::kInvalidInput, "empty video frame");
  double scale = std::min(1.0, static_cast<double>(long_edge) / std::max(src_w, src_h));
  RgbImage out;
  out.width = std::max(1, static_cast<int>(std::lround(src_w * scale)));
  out.height = std::max(1, static_cast<int>(std::lround(src_h * scale)));
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  std::unique_ptr<SwsContext, SwsFreer> sws(sws_getContext(
      src_w, src_h, static_cast<AVPixelFormat>(chosen->format), out.width, out.height,
      AV_PIX_FMT_RGB24, SWS_AREA | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  if (!sws) return Fail(ErrorCode::kUnsupported, "unsupported video pixel format");
  uint8_t* dst[4] = {out.pixels.data(), nullptr, nullptr, nullptr};
  int dst_stride[4] = {out.width * 3, 0, 0, 0};
  sws_scale(sws.get(), chosen->data, chosen->linesize, 0, src_h, dst, dst_stride);
  return out;
}

}  // namespace camroll
