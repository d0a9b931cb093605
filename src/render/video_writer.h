// H.264 MP4 output for rendered videos (recaps): libx264 through libavcodec, in process, one
// frame at a time from 8-bit 4:2:0 planes the caller fills in place.
//
// Deterministic: x264 runs on one thread and the muxer in bit-exact mode, with no wall-clock
// metadata, so the same frames and options give a byte-identical file. The frames are
// limited-range ("TV") BT.709 Y'CbCr and the stream is tagged so, which is what players
// assume for HD video. The file is written beside `path` under a temporary name, fsynced and
// renamed over `path` by Finish(): readers never see a partial video, and a writer dropped
// before Finish() removes its temporary file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"

namespace camroll {

// Writable views of a 4:2:0 frame's planes: luma width x height, chroma (width/2, height/2).
struct YuvPlanes {
  uint8_t* data[3] = {nullptr, nullptr, nullptr};  // Y, Cb, Cr
  int stride[3] = {0, 0, 0};
  int width = 0;
  int height = 0;
};

struct VideoWriterOptions {
  int width = 1080;  // both even
  int height = 1920;
  int fps = 30;
  int crf = 23;  // x264 constant rate factor: 0 lossless .. 51 worst; 18-28 is the usual range
  // x264 speed/size trade-off ("ultrafast" .. "veryslow") and content tuning ("" for none,
  // "film", "stillimage", ...). Unknown names fail Open() with kInvalidInput.
  std::string preset = "veryfast";
  std::string tune;
  // Further x264 settings in its own syntax ("mbtree=1:rc-lookahead=10"), applied over the
  // preset's. Beware: libavcodec only warns about keys x264 does not know, and goes on.
  std::string x264_params;
  int keyframe_interval_s = 4;  // seek points every few seconds for scrubbing
};

class VideoWriter {
 public:
  // Sets up the encoder and muxer and creates the temporary file. Errors: kInvalidInput (bad
  // options), kIo (the file), kInternal (libx264 missing or refusing the settings).
  static Result<std::unique_ptr<VideoWriter>> Open(const std::filesystem::path& path,
                                                   const VideoWriterOptions& options);
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // The planes of the next frame, to be filled completely (their previous content is
  // unspecified) and then handed over with Submit().
  Result<YuvPlanes> NextFrame();
  Status Submit();

  // Flushes the encoder, writes the index at the front of the file (fast start, for players
  // that stream), and renames the file into place. Returns the number of frames written.
  Result<int> Finish();

 private:
  struct Impl;
  explicit VideoWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace camroll
