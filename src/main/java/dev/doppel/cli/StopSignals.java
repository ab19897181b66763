package dev.doppel.cli;

import dev.doppel.GracefulStop;
import dev.doppel.NativeGate;
import dev.doppel.output.TempFiles;
import java.lang.reflect.Proxy;

/**
 * Ctrl-C and SIGTERM, handled in an order that cannot crash. The JVM's own handling runs every
 * shutdown hook at once, and ONNX Runtime's Java binding has one that releases its native
 * environment: while another thread was inside {@code createSession}, that crashed the JVM (SIGSEGV
 * in libonnxruntime, 3 of 32 signal runs). Here the signal first closes the {@link NativeGate}
 * (waiting for any ONNX Runtime call in flight, and holding every later one), closes the loaded
 * models, deletes the temporaries, and only then exits, so the hooks find nothing running in native
 * code.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is reached by reflection: a direct reference
 * draws javac's unsuppressible "internal proprietary API" warning, and the build fails on warnings.
 */
final class StopSignals {
  private StopSignals() {}

  /** Installs the handlers; only the command-line entry point does (tests run in-process). */
  static void install() {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object handler =
          Proxy.newProxyInstance(
              StopSignals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  stop((Integer) signalClass.getMethod("getNumber").invoke(args[0]));
                }
                return null;
              });
      for (String name : new String[] {"TERM", "INT"}) {
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        try {
          signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
        } catch (java.lang.reflect.InvocationTargetException e) {
          // the JVM reserves this signal here (-Xrs): its default handling stays
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no sun.misc.Signal in this runtime: the JVM's default handling (exit hooks) stays
    }
  }

  private static void stop(int signal) {
    if (GracefulStop.takeSignal()) {
      System.err.println(
          "doppel: stopping at the next frame of the live input; the output is being finished"
              + " (Ctrl-C again to abandon it)");
      return;
    }
    NativeGate.closeForExit(10);
    NativeGate.closeLiveModels();
    TempFiles.deleteAllNow();
    Runtime.getRuntime().exit(128 + signal);
  }
}
