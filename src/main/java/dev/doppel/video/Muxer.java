package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import dev.doppel.DoppelException;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.TempFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * An output container written to a hidden temporary file beside the destination and renamed onto it
 * only by {@link #commit(Consumer)}; closing without committing deletes the temporary file, so the
 * destination never holds a half-written video.
 */
final class Muxer implements AutoCloseable {
  private final Path destination;

  /** avformat.h's AVFMT_FLAG_BITEXACT (0x0400), which the JavaCPP preset does not map. */
  private static final int AVFMT_FLAG_BITEXACT = 0x0400;

  private final Path temp;

  /** Written straight to the standard output: no temporary file, nothing to rename. */
  private final boolean stdout;

  private AVFormatContext context;
  private boolean committed;

  Muxer(Path destination, String formatName) {
    this.stdout = VideoWriter.isStdout(destination);
    this.destination = stdout ? destination : destination.toAbsolutePath();
    this.temp = stdout ? null : reserveTempFile(this.destination);
    context = new AVFormatContext(null);
    int ret = avformat_alloc_output_context2(context, null, formatName, target());
    if (ret < 0) {
      deleteTemp();
      throw DoppelException.processing(
          "cannot write video: " + destination + ": " + VideoReader.describeAvError(ret));
    }
    // no random Matroska segment UID, no muxing date: the same frames give the same file
    context.flags(context.flags() | AVFMT_FLAG_BITEXACT);
  }

  private static Path reserveTempFile(Path destination) {
    Path folder = destination.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw DoppelException.usage(
          "cannot write video: " + destination + ": the folder " + folder + " does not exist");
    }
    if (Files.isDirectory(destination)) {
      throw DoppelException.usage("cannot write video: " + destination + ": is a directory");
    }
    try {
      String name = destination.getFileName().toString();
      String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
      return OutputPaths.createTemp(destination, ".part" + ext);
    } catch (IOException e) {
      throw new DoppelException(
          OutputPaths.exitCodeFor(e),
          "cannot write video: " + destination + ": " + OutputPaths.whyNotWritable(folder, e));
    }
  }

  /** Whether the output is the standard output, which cannot seek back. */
  boolean streamed() {
    return stdout;
  }

  boolean needsGlobalHeader() {
    return (context.oformat().flags() & AVFMT_GLOBALHEADER) != 0;
  }

  org.bytedeco.ffmpeg.avformat.AVOutputFormat format() {
    return context.oformat();
  }

  AVStream addStream() {
    AVStream stream = avformat_new_stream(context, null);
    if (stream == null) throw new IllegalStateException("avformat_new_stream failed");
    return stream;
  }

  /** Writes the header; metadata becomes container tags (mp4 keeps custom keys as well). */
  void start(Map<String, String> metadata) {
    AVDictionary tags = new AVDictionary(null);
    metadata.forEach((k, v) -> av_dict_set(tags, k, v, 0));
    context.metadata(tags);
    AVIOContext io = new AVIOContext(null);
    // avio_open recreates the file if the exit hook has just deleted it: not after that
    TempFiles.whileRunning(() -> check(avio_open(io, target(), AVIO_FLAG_WRITE)));
    context.pb(io);
    AVDictionary options = new AVDictionary(null);
    String name = context.oformat().name().getString();
    if (name.contains("mp4") || name.contains("mov")) {
      // a pipe cannot seek back to write the index: fragments, each with its own
      String flags =
          stdout
              ? "+use_metadata_tags+frag_keyframe+delay_moov+default_base_moof"
              : "+use_metadata_tags";
      av_dict_set(options, "movflags", flags, 0);
    }
    try {
      check(avformat_write_header(context, options));
    } finally {
      av_dict_free(options);
    }
  }

  /** Writes one packet whose timestamps are already in the stream's time base. */
  void write(AVPacket packet) {
    check(av_interleaved_write_frame(context, packet));
  }

  /**
   * Finishes the container, hands the complete temporary file to {@code beforeMove} (which writes
   * the label that must exist before the video does) and moves it onto the destination.
   */
  void commit(Consumer<Path> beforeMove) {
    check(av_write_trailer(context));
    closeIo();
    if (stdout) {
      committed = true;
      return;
    }
    beforeMove.accept(temp);
    try {
      dev.doppel.FilePermissions.makeReadable(temp);
      Files.move(
          temp, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot write video: " + destination + ": rename failed (" + e.getMessage() + ")");
    }
    committed = true;
    TempFiles.forget(temp);
  }

  private void check(int ret) {
    if (ret < 0) {
      String why = VideoReader.describeAvError(ret);
      throw DoppelException.processing(
          "cannot write video: "
              + destination
              + ": "
              + (why.contains("No space left") ? OutputPaths.DISK_FULL : why));
    }
  }

  private void closeIo() {
    if (context != null
        && context.pb() != null
        && (context.oformat().flags() & AVFMT_NOFILE) == 0) {
      avio_close(context.pb());
      context.pb(null);
    }
  }

  private String target() {
    return stdout ? "pipe:1" : temp.toString();
  }

  private void deleteTemp() {
    if (temp == null) return;
    try {
      Files.deleteIfExists(temp);
      TempFiles.forget(temp);
    } catch (IOException ignored) {
      // best effort: a leftover hidden .part file is harmless and visibly named
    }
  }

  @Override
  public void close() {
    if (context != null) {
      closeIo();
      avformat_free_context(context);
      context = null;
    }
    if (!committed) deleteTemp();
  }
}
