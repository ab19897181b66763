package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_DICT_IGNORE_SUFFIX;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;

import dev.doppel.DoppelException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;

/** The global metadata of a media file (its container's tags), as FFmpeg's demuxer reads them. */
public final class ContainerTags {
  static {
    FFmpegLog.ensureConfigured();
  }

  private ContainerTags() {}

  /**
   * @throws DoppelException processing error when the file is cut short or FFmpeg cannot open it as
   *     media
   */
  public static Map<String, String> read(Path file) {
    ContainerLength.requireWhole(file, null);
    AVFormatContext in = new AVFormatContext(null);
    if (avformat_open_input(in, file.toString(), null, null) < 0) {
      throw DoppelException.processing("cannot read: " + file + ": not a media file");
    }
    try {
      Map<String, String> tags = new TreeMap<>();
      AVDictionaryEntry e = null;
      while ((e = av_dict_get(in.metadata(), "", e, AV_DICT_IGNORE_SUFFIX)) != null) {
        tags.put(e.key().getString(), e.value().getString());
      }
      return tags;
    } finally {
      avformat_close_input(in);
    }
  }
}
