package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.pipeline.FacesBenchmark;
import dev.doppel.pipeline.SwapBenchmark;
import dev.doppel.swap.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Time on one clip: FFmpeg decoding alone, decoding + encoding (transcode), the faces "
          + "pipeline and, with --model, the swap pipeline; report frames per second, "
          + "per-stage milliseconds per frame and resident memory.",
      "Encoding runs on its own thread, overlapping the rest: 'wait for encoder' is the time "
          + "the faces loop was held up by it."
    })
final class BenchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "IN", description = "Input video; looped until --frames is reached.")
  Path input;

  @Option(
      names = "--frames",
      defaultValue = "0",
      description = "Process at least this many frames (loops the clip). Default: one pass.")
  long frames;

  @Option(names = "--threads", description = "OpenCV threads (default: all cores).")
  Integer threads;

  @Option(names = "--codec", defaultValue = "h264", description = "Default: ${DEFAULT-VALUE}.")
  String codec;

  @Option(
      names = "--model",
      paramLabel = "ONNX",
      description = "Also time the swap with this pair model (a file or a pair prefix).")
  Path model;

  @Mixin ModelRunOptions run = new ModelRunOptions();

  @Mixin CommonOptions common;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--swap-only",
      description = "Time only the swap (with --model): for long memory runs.")
  boolean swapOnly;

  @Option(
      names = "--watermark",
      description =
          "Time the swap as swap writes it by default: labelled, with the invisible watermark"
              + " (the mark stage). Without it the swap is timed unlabelled.")
  boolean watermark;

  @Option(
      names = "--single-thread",
      description = "Time the swap on one thread instead of the pipeline.")
  boolean singleThread;

  @Override
  public Integer call() throws Exception {
    common.applyLogging();
    if (frames < 0) throw DoppelException.usage("--frames " + frames + ": must be >= 0");
    if (threads != null && threads < 1) {
      throw DoppelException.usage("--threads " + threads + ": must be >= 1");
    }
    Device device = run.device();
    if (threads != null) opencv_core.setNumThreads(threads);
    Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
    PrintWriter out = spec.commandLine().getOut();
    long n = frames;
    if (swapOnly && model == null) throw DoppelException.usage("--swap-only needs --model");
    out.printf("input        %s%n", input);
    out.printf(
        "cores        %d available, OpenCV threads %d, ONNX Runtime intra-op threads %d%n",
        Runtime.getRuntime().availableProcessors(),
        opencv_core.getNumThreads(),
        dev.doppel.swap.Swappers.intraOpThreads());
    SwapBenchmark.Rate transcode = null;
    FacesBenchmark.Result r = null;
    if (!swapOnly) {
      SwapBenchmark.Rate decode = SwapBenchmark.decodeOnly(input, n);
      transcode = SwapBenchmark.transcodeOnly(input, n, codec, scratch);
      r = FacesBenchmark.run(input, frames, common.tracker(), scratch, codec);
      out.printf(
          "video        %dx%d, %.2f fps%n",
          r.info().width(), r.info().height(), r.info().frameRate());
      out.printf(
          "decode only  %6.1f fps (%d frames, FFmpeg decode + BGR conversion)%n",
          decode.fps(), decode.frames());
      out.printf(
          "transcode    %6.1f fps (%d frames, decode + %s encode: the ceiling for any "
              + "pipeline)%n",
          transcode.fps(), transcode.frames(), codec);
      out.printf(
          "faces        %6.1f fps (%d frames: detect, mesh, draw, encode)%n", r.fps(), r.frames());
    }
    if (model != null) {
      var swap =
          SwapBenchmark.swap(
              input,
              model,
              n,
              common.tracker(),
              codec,
              scratch,
              !singleThread,
              run.int8,
              device,
              watermark);
      SwapBenchmark.Rate rate = swap.getValue();
      out.printf(
          "swap         %6.1f fps (%d frames, %s)%s%n",
          rate.fps(),
          rate.frames(),
          (singleThread ? "one thread" : "pipelined") + (watermark ? ", watermarked" : ""),
          transcode == null
              ? ""
              : String.format(" = %.0f%% of transcode", 100 * rate.fps() / transcode.fps()));
      out.println(
          "swap stages  ms/frame busy (pipelined: each on its own thread; the slowest "
              + "sets the pace)");
      for (String stage :
          java.util.List.of("decode", "analyse", "swap", "mark", "write", "encode")) {
        out.printf("  %-20s %8.2f%n", stage, swap.getKey().times().millis(stage) / rate.frames());
      }
      out.printf(
          "swap memory  RSS %.0f MiB after 100 frames, %.0f MiB at end (%+.0f), peak "
              + "%.0f MiB%n",
          rate.rssAfter100Mb(),
          rate.rssEndMb(),
          rate.rssEndMb() - rate.rssAfter100Mb(),
          rate.rssPeakMb());
    }
    if (r == null) return 0;
    out.printf("faces calls  detect %d, mesh %d%n", r.detectCalls(), r.meshCalls());
    out.println("faces stage  ms/frame");
    r.stageMillisPerFrame().forEach((stage, ms) -> out.printf("  %-20s %8.2f%n", stage, ms));
    out.printf(
        "faces memory RSS %.0f MiB after 100 frames, %.0f MiB at end (%+.0f), peak " + "%.0f MiB%n",
        r.rssStartMb(), r.rssEndMb(), r.rssEndMb() - r.rssStartMb(), r.rssPeakMb());
    return 0;
  }
}
