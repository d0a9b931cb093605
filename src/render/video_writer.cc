#include "render/video_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <system_error>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

namespace camroll {
namespace {

std::string AvErrorString(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

// A name beside `path` that no other writer in this process or another one uses.
std::filesystem::path TempPathFor(const std::filesystem::path& path) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp-{}-{}", ::getpid(), counter.fetch_add(1));
  return tmp;
}

Status SyncPath(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(ErrorCode::kIo,
                fmt::format("opening {} to sync it: {}", path.string(),
                            std::error_code(errno, std::generic_category()).message()));
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0 && !directory) {  // some file systems refuse fsync on directories: harmless
    return Fail(ErrorCode::kIo, fmt::format("syncing {}", path.string()));
  }
  return Ok();
}

}  // namespace

struct VideoWriter::Impl {
  std::filesystem::path path, temp;
  VideoWriterOptions options;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  int64_t next_pts = 0;
  bool finished = false;

  ~Impl() {
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    if (format) {
      if (format->pb) avio_closep(&format->pb);
      avformat_free_context(format);
    }
    if (!finished && !temp.empty()) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
    }
  }

  // Sends `f` (nullptr: flush) and writes every packet the encoder has ready.
  Status Encode(const AVFrame* f) {
    int rc = avcodec_send_frame(codec, f);
    if (rc < 0) {
      return Fail(ErrorCode::kInternal, fmt::format("H.264 encoder: {}", AvErrorString(rc)));
    }
    for (;;) {
      rc = avcodec_receive_packet(codec, packet);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Ok();
      if (rc < 0) {
        return Fail(ErrorCode::kInternal, fmt::format("H.264 encoder: {}", AvErrorString(rc)));
      }
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      rc = av_interleaved_write_frame(format, packet);  // takes the packet's reference
      if (rc < 0) {
        return Fail(ErrorCode::kIo,
                    fmt::format("writing {}: {}", temp.string(), AvErrorString(rc)));
      }
    }
  }
};

VideoWriter::VideoWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoWriter::~VideoWriter() = default;

Result<std::unique_ptr<VideoWriter>> VideoWriter::Open(const std::filesystem::path& path,
                                                       const VideoWriterOptions& options) {
  if (options.width < 16 || options.height < 16 || options.width % 2 || options.height % 2 ||
      options.width > 8192 || options.height > 8192) {
    return Fail(
        ErrorCode::kInvalidInput,
        fmt::format("video size {}x{} is not even or out of range", options.width, options.height));
  }
  if (options.fps < 1 || options.fps > 240 || options.crf < 0 || options.crf > 51 ||
      options.keyframe_interval_s < 1) {
    return Fail(ErrorCode::kInvalidInput, "video fps, crf or keyframe interval out of range");
  }
  av_log_set_level(AV_LOG_QUIET);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  impl->temp = TempPathFor(path);

  const AVCodec* encoder = avcodec_find_encoder_by_name("libx264");
  if (!encoder) return Fail(ErrorCode::kInternal, "libavcodec has no libx264 encoder");
  impl->codec = avcodec_alloc_context3(encoder);
  impl->frame = av_frame_alloc();
  impl->packet = av_packet_alloc();
  if (!impl->codec || !impl->frame || !impl->packet) {
    return Fail(ErrorCode::kInternal, "out of memory setting up the encoder");
  }
  AVCodecContext* c = impl->codec;
  c->width = options.width;
  c->height = options.height;
  c->time_base = AVRational{1, options.fps};
  c->framerate = AVRational{options.fps, 1};
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->gop_size = options.fps * options.keyframe_interval_s;
  c->color_range = AVCOL_RANGE_MPEG;
  c->colorspace = AVCOL_SPC_BT709;
  c->color_primaries = AVCOL_PRI_BT709;
  c->color_trc = AVCOL_TRC_BT709;
  c->thread_count = 1;  // x264's output depends on its threading: one thread is reproducible
  c->flags |= AV_CODEC_FLAG_BITEXACT;

  if (avformat_alloc_output_context2(&impl->format, nullptr, "mp4", impl->temp.c_str()) < 0 ||
      !impl->format) {
    return Fail(ErrorCode::kInternal, "cannot set up the MP4 muxer");
  }
  impl->format->flags |= AVFMT_FLAG_BITEXACT;  // no library versions or times in the file
  if (impl->format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  if (av_opt_set(c->priv_data, "preset", options.preset.c_str(), 0) < 0 ||
      (!options.tune.empty() && av_opt_set(c->priv_data, "tune", options.tune.c_str(), 0) < 0) ||
      (!options.x264_params.empty() &&
       av_opt_set(c->priv_data, "x264-params", options.x264_params.c_str(), 0) < 0)) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("bad x264 settings: '{}' '{}' '{}'", options.preset, options.tune,
                            options.x264_params));
  }
  av_opt_set_double(c->priv_data, "crf", options.crf, 0);
  if (int rc = avcodec_open2(c, encoder, nullptr); rc < 0) {
    // libx264 checks preset and tune names here.
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("x264 refused preset '{}' tune '{}' params '{}': {}", options.preset,
                            options.tune, options.x264_params, AvErrorString(rc)));
  }

  impl->stream = avformat_new_stream(impl->format, nullptr);
  if (!impl->stream || avcodec_parameters_from_context(impl->stream->codecpar, c) < 0) {
    return Fail(ErrorCode::kInternal, "cannot add the video stream");
  }
  impl->stream->time_base = c->time_base;
  impl->stream->avg_frame_rate = c->framerate;
  impl->stream->r_frame_rate = c->framerate;

  if (int rc = avio_open(&impl->format->pb, impl->temp.c_str(), AVIO_FLAG_WRITE); rc < 0) {
    return Fail(ErrorCode::kIo,
                fmt::format("cannot create {}: {}", impl->temp.string(), AvErrorString(rc)));
  }
  AVDictionary* muxer_options = nullptr;
  av_dict_set(&muxer_options, "movflags", "+faststart", 0);
  const int rc = avformat_write_header(impl->format, &muxer_options);
  av_dict_free(&muxer_options);
  if (rc < 0) {
    return Fail(ErrorCode::kIo,
                fmt::format("writing {}: {}", impl->temp.string(), AvErrorString(rc)));
  }

  AVFrame* f = impl->frame;
  f->format = AV_PIX_FMT_YUV420P;
  f->width = options.width;
  f->height = options.height;
  f->color_range = c->color_range;
  f->colorspace = c->colorspace;
  f->color_primaries = c->color_primaries;
  f->color_trc = c->color_trc;
  if (av_frame_get_buffer(f, 0) < 0) return Fail(ErrorCode::kInternal, "out of memory for a frame");
  return std::unique_ptr<VideoWriter>(new VideoWriter(std::move(impl)));
}

Result<YuvPlanes> VideoWriter::NextFrame() {
  if (impl_->finished) return Fail(ErrorCode::kInternal, "video already finished");
  // The encoder may still hold a reference to the buffer of the last frame.
  if (av_frame_make_writable(impl_->frame) < 0) {
    return Fail(ErrorCode::kInternal, "out of memory for a frame");
  }
  YuvPlanes planes;
  for (int i = 0; i < 3; ++i) {
    planes.data[i] = impl_->frame->data[i];
    planes.stride[i] = impl_->frame->linesize[i];
  }
  planes.width = impl_->options.width;
  planes.height = impl_->options.height;
  return planes;
}

Status VideoWriter::Submit() {
  if (impl_->finished) return Fail(ErrorCode::kInternal, "video already finished");
  impl_->frame->pts = impl_->next_pts++;
  return impl_->Encode(impl_->frame);
}

Result<int> VideoWriter::Finish() {
  Impl& m = *impl_;
  if (m.finished) return Fail(ErrorCode::kInternal, "video already finished");
  if (m.next_pts == 0) return Fail(ErrorCode::kInvalidInput, "a video needs at least one frame");
  CAMROLL_RETURN_IF_ERROR(m.Encode(nullptr));
  if (int rc = av_write_trailer(m.format); rc < 0) {
    return Fail(ErrorCode::kIo, fmt::format("writing {}: {}", m.temp.string(), AvErrorString(rc)));
  }
  if (int rc = avio_closep(&m.format->pb); rc < 0) {
    return Fail(ErrorCode::kIo, fmt::format("closing {}: {}", m.temp.string(), AvErrorString(rc)));
  }
  CAMROLL_RETURN_IF_ERROR(SyncPath(m.temp, false));
  std::error_code ec;
  std::filesystem::rename(m.temp, m.path, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, fmt::format("renaming {} to {}: {}", m.temp.string(),
                                            m.path.string(), ec.message()));
  }
  m.finished = true;
  std::filesystem::path dir = m.path.parent_path();
  (void)SyncPath(dir.empty() ? std::filesystem::path(".") : dir, true);
  return static_cast<int>(m.next_pts);
}

}  // namespace camroll
