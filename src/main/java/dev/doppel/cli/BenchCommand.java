package dev.doppel.cli;

import dev.doppel.pipeline.FacesBenchmark;
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
      "Time the faces pipeline (decode, detect, mesh, draw, encode) on a clip and report "
          + "frames per second, per-stage milliseconds per frame and resident memory.",
      "Encoding runs on its own thread, overlapping the rest: 'wait for encoder' is the time "
          + "the main thread was held up by it."
    })
final class BenchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "IN", description = "Input video; looped until --frames is reached.")
  Path input;

  @Option(names = "--frames", defaultValue = "0",
      description = "Process at least this many frames (loops the clip). Default: one pass.")
  long frames;

  @Option(names = "--threads", description = "OpenCV threads (default: all cores).")
  Integer threads;

  @Option(names = "--codec", defaultValue = "h264", description = "Default: ${DEFAULT-VALUE}.")
  String codec;

  @Option(names = "--model", paramLabel = "ONNX",
      description = "Time face swapping with this pair model instead of annotation.")
  Path model;

  @Mixin CommonOptions common;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    common.applyLogging();
    if (threads != null) opencv_core.setNumThreads(threads);
    FacesBenchmark.Result r = FacesBenchmark.run(input, frames, common.tracker(),
        Path.of(System.getProperty("java.io.tmpdir")), codec, model);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("input        %s (%dx%d, %.2f fps)%n", input, r.info().width(), r.info().height(),
        r.info().frameRate());
    out.printf("cores        %d available, OpenCV threads %d%n",
        Runtime.getRuntime().availableProcessors(), opencv_core.getNumThreads());
    out.printf("frames       %d in %.2f s: %.1f fps end to end (%s)%n", r.frames(), r.seconds(),
        r.fps(), model == null ? "faces" : "swap");
    out.printf("calls        detect %d, mesh %d%n", r.detectCalls(), r.meshCalls());
    out.println("stage        ms/frame");
    r.stageMillisPerFrame().forEach((stage, ms) -> out.printf("  %-20s %8.2f%n", stage, ms));
    out.printf("memory       RSS %.0f MiB after 100 frames, %.0f MiB at end (%+.0f), peak %.0f MiB%n",
        r.rssStartMb(), r.rssEndMb(), r.rssEndMb() - r.rssStartMb(), r.rssPeakMb());
    return 0;
  }
}
