package dev.doppel.swap;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.doppel.DoppelException;
import dev.doppel.NativeGate;
import java.util.List;

/**
 * A loaded ONNX graph run through DJL's ONNX Runtime engine: one float array per graph input (named
 * and shaped as the graph declares, free dimensions as 1) in, one float array per output out.
 * Loaded once; one predictor, for one thread; close to free both.
 */
public final class OnnxPredictor implements AutoCloseable {
  private final ModelInfo info;
  private final ZooModel<float[][], float[][]> model;
  private final Predictor<float[][], float[][]> predictor;
  private final OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
  private volatile boolean closed;

  /**
   * Threads ONNX Runtime uses inside one inference. Set deliberately rather than left at "all
   * cores": in the swap pipeline, decoding, face analysis and encoding run on their own threads at
   * the same time, and ORT's threads would fight them. Default: half the cores, at least 1; the
   * system property {@code doppel.ort.threads} overrides it.
   */
  static int intraOpThreads() {
    Integer set = Integer.getInteger("doppel.ort.threads");
    return set != null && set > 0
        ? set
        : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  public OnnxPredictor(ModelInfo info, Device device) {
    this.info = info;
    try {
      // inswapper keeps its emap as an unused initializer, and ORT warns on stderr that it
      // drops it: only errors are worth a user's attention
      sessionOptions.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      sessionOptions.setIntraOpNumThreads(intraOpThreads());
      // idle ORT threads would otherwise spin, taking CPU from the other pipeline stages
      sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
      if (device == Device.CUDA) {
        try {
          sessionOptions.addCUDA(0);
        } catch (OrtException e) {
          sessionOptions.close();
          throw DoppelException.usage(
              "--device cuda: this build's ONNX Runtime has no CUDA "
                  + "provider, or no CUDA runtime was found (build with mvn -Pcuda; "
                  + e.getMessage().lines().findFirst().orElse("")
                  + ")");
        }
      }
    } catch (OrtException e) {
      sessionOptions.close();
      throw DoppelException.processing("cannot load model: " + info.path() + ": " + e.getMessage());
    }
    Criteria<float[][], float[][]> criteria =
        Criteria.builder()
            .setTypes(float[][].class, float[][].class)
            .optModelPath(info.path())
            .optEngine("OnnxRuntime")
            .optArgument("sessionOptions", sessionOptions)
            .optTranslator(new PortsTranslator(info.inputs()))
            .build();
    try {
      this.model = NativeGate.call(criteria::loadModel);
    } catch (Exception e) { // DJL's IOException, ModelNotFoundException, MalformedModelException
      sessionOptions.close();
      if (e instanceof RuntimeException r) throw r;
      throw DoppelException.processing("cannot load model: " + info.path() + ": " + e.getMessage());
    }
    try {
      this.predictor = model.newPredictor();
    } catch (RuntimeException | Error e) {
      model.close();
      sessionOptions.close();
      throw e;
    }
    NativeGate.register(this);
  }

  /** Inputs in the order of {@link ModelInfo#inputs()}. */
  public float[][] predict(float[]... inputs) {
    try {
      return NativeGate.call(() -> predictor.predict(inputs));
    } catch (TranslateException e) {
      throw DoppelException.processing("model failed: " + info.path() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    NativeGate.unregister(this);
    NativeGate.call(
        () -> {
          predictor.close();
          model.close();
          sessionOptions.close();
          return null;
        });
  }

  private static final class PortsTranslator implements Translator<float[][], float[][]> {
    private final List<ModelInfo.Port> ports;

    PortsTranslator(List<ModelInfo.Port> ports) {
      this.ports = ports;
    }

    @Override
    public Batchifier getBatchifier() {
      return null; // inputs carry their batch dimension of 1
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] inputs) {
      NDList list = new NDList();
      for (int i = 0; i < ports.size(); i++) {
        long[] shape = ports.get(i).shape().clone();
        for (int d = 0; d < shape.length; d++) if (shape[d] < 0) shape[d] = 1;
        NDArray x = ctx.getNDManager().create(inputs[i], new Shape(shape));
        x.setName(ports.get(i).name());
        list.add(x);
      }
      return list;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList out) {
      float[][] result = new float[out.size()][];
      for (int i = 0; i < out.size(); i++) result[i] = out.get(i).toFloatArray();
      return result;
    }
  }
}
