#include "server/notices.h"

namespace camroll::server {

const std::vector<Notice>& Notices() {
  static const std::vector<Notice> notices = {
      {kCloudProcessing, "Cloud processing", "cloud_processing/3",
       "upload camera-roll media and analyse it on this server to suggest ideas",
       "Your phone will upload new photos and videos from your camera roll to this server, "
       "where camroll reads their time and place, makes thumbnails, checks quality and looks for "
       "objects, text and sensitive content, to suggest collages, recap videos and other ideas "
       "for you alone. Nothing is shared or sold. Photos you do not post are deleted after the "
       "retention period shown in Settings (30 days unless changed). You can switch this off at "
       "any time: uploads stop and everything uploaded or derived is deleted within seconds. "
       "Your photos and videos, and everything derived from them, are stored encrypted with a key "
       "of your own, which is destroyed when you switch this off, so that no copy (in a backup, "
       "say) can be read again.",
       "Switching cloud processing off stops uploads and deletes, within seconds: every photo and "
       "video uploaded, every thumbnail, every fact derived from them (time, place, quality, "
       "objects, text, faces, people), every idea and every rendered collage, video and image, "
       "and destroys the keys that encrypt your photos, videos and face signatures. Your account "
       "and this consent record stay."},
      {kFaceGrouping, "Face grouping", "face_grouping/3",
       "find faces in uploaded photos and group photos of the same person",
       "camroll will find faces in your uploaded photos, compute a face signature for each "
       "(biometric data) and group photos of the same person so ideas can feature them. This "
       "includes people in your photos who do not use camroll. Signatures never leave this "
       "server, are stored encrypted with a key kept for them alone, are not used for anything "
       "else and are deleted when you switch this off, when the photo is deleted, or 3 years "
       "after you last used camroll at the latest.",
       "Switching face grouping off deletes, within seconds: every face found, every face "
       "signature, every person and the names you gave them, and destroys the key of the face "
       "signatures. Your photos and other ideas stay."},
      {kBrowseSuggestions, "Suggestions while browsing", "browse_suggestions/1",
       "show idea cards about recent moments while browsing",
       "While you browse, camroll will show cards suggesting ideas made from your recent "
       "camera-roll moments. This uses only what cloud processing already derived; nothing more "
       "is uploaded or analysed. Switch it off at any time.",
       "Switching suggestions while browsing off hides the cards; nothing needs deleting, as "
       "these cards keep no data of their own."},
  };
  return notices;
}

const Notice* FindNotice(const std::string& switch_name) {
  for (const Notice& n : Notices()) {
    if (n.switch_name == switch_name) return &n;
  }
  return nullptr;
}

}  // namespace camroll::server
