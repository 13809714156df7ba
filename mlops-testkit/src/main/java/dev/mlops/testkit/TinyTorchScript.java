package dev.mlops.testkit;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tiny TorchScript model for tests: a perceptron with one hidden layer of ReLU units and one output,
 * {@code relu(x · w1 + b1) · w2 + b2}, with weights drawn from a seed. It is written in the archive
 * format of {@code torch.jit.save} (a zip holding {@code code/}, {@code data.pkl}, {@code
 * constants.pkl}, the tensors under {@code data/} and {@code version}), so that tests load a real
 * TorchScript file into PyTorch through DJL on machines without PyTorch for Python; {@link
 * #predict(float[])} computes the same function in Java for the expected answers.
 *
 * <pre>{@code
 * TinyTorchScript model = TinyTorchScript.mlp(4, 8, 7);
 * model.saveMlflowModel(dir.resolve("model"));     // as mlflow.pytorch.log_model writes a scripted module
 * float expected = model.predict(new float[] {0.5f, -1f, 2f, 0f});
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TinyTorchScript {
    private static final String CODE = """
            class MLP(Module):
              __parameters__ = ["w1", "b1", "w2", "b2", ]
              __buffers__ = []
              w1 : Tensor
              b1 : Tensor
              w2 : Tensor
              b2 : Tensor
              training : bool
              def forward(self: __torch__.MLP,
                x: Tensor) -> Tensor:
                h = torch.relu(torch.add(torch.matmul(x, self.w1), self.b1))
                return torch.add(torch.matmul(h, self.w2), self.b2)
            """;

    private final int inputs;
    private final int hidden;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;

    private TinyTorchScript(int inputs, int hidden, Random random) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.w1 = draw(random, inputs * hidden);
        this.b1 = draw(random, hidden);
        this.w2 = draw(random, hidden);
        this.b2 = draw(random, 1);
    }

    /**
     * A model of rows of {@code inputs} values.
     *
     * @param inputs values per row, at least 1
     * @param hidden hidden units, at least 1
     * @param seed the seed of the weights
     * @return the model
     * @throws ValidationException if a size is below 1
     */
    public static TinyTorchScript mlp(int inputs, int hidden, long seed) {
        if (inputs < 1) {
            throw new ValidationException("inputs", "be at least 1", inputs);
        }
        if (hidden < 1) {
            throw new ValidationException("hidden", "be at least 1", hidden);
        }
        return new TinyTorchScript(inputs, hidden, new Random(seed));
    }

    /**
     * The values per row.
     *
     * @return the input width
     */
    public int inputs() {
        return inputs;
    }

    /**
     * What the model answers for a row, computed in Java.
     *
     * @param row {@link #inputs()} values
     * @return the output
     * @throws ValidationException if the row has another width
     */
    public float predict(float[] row) {
        Checks.notNull("row", row);
        if (row.length != inputs) {
            throw new ValidationException("row", "hold " + inputs + " values", row.length + " values");
        }
        float out = b2[0];
        for (int h = 0; h < hidden; h++) {
            float sum = b1[h];
            for (int i = 0; i < inputs; i++) {
                sum += row[i] * w1[i * hidden + h];
            }
            out += Math.max(0f, sum) * w2[h];
        }
        return out;
    }

    /**
     * Writes the model as a TorchScript file, as {@code torch.jit.save} does.
     *
     * @param file the {@code .pt} file to write; its directory must exist
     * @return {@code file}
     * @throws UncheckedIOException if it cannot be written
     */
    public Path save(Path file) {
        Checks.notNull("file", file);
        Pickle data = new Pickle();
        data.object("__torch__", "MLP");
        data.key("training").bool(false);
        data.key("w1").tensor(w1, inputs, hidden);
        data.key("b1").tensor(b1, hidden);
        data.key("w2").tensor(w2, hidden, 1);
        data.key("b2").tensor(b2, 1);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.setMethod(ZipOutputStream.STORED);
            String root = "archive/";
            put(zip, root + "data.pkl", data.build());
            put(zip, root + "code/__torch__.py", CODE.getBytes(StandardCharsets.UTF_8));
            put(zip, root + "constants.pkl", new Pickle().emptyTuple());
            for (int i = 0; i < data.storages.size(); i++) {
                float[] values = data.storages.get(i);
                ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    bytes.putFloat(v);
                }
                put(zip, root + "data/" + i, bytes.array());
            }
            put(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            put(zip, root + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * Writes the model as {@code mlflow.pytorch.save_model} writes a scripted module: an {@code
     * MLmodel} file with the {@code pytorch} and {@code python_function} flavours, {@code
     * data/model.pth} and {@code data/pickle_module_info.txt}, and {@code requirements.txt}.
     *
     * @param dir the model directory to create
     * @return {@code dir}
     * @throws UncheckedIOException if it cannot be written
     */
    public Path saveMlflowModel(Path dir) {
        Checks.notNull("dir", dir);
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            save(data.resolve("model.pth"));
            Files.writeString(data.resolve("pickle_module_info.txt"), "mlflow.pytorch.pickle_module");
            Files.writeString(dir.resolve("requirements.txt"), "mlflow==2.17.2\ntorch==2.7.1\n");
            Files.writeString(dir.resolve("MLmodel"), """
                    artifact_path: model
                    flavors:
                      python_function:
                        data: data
                        env:
                          conda: conda.yaml
                          virtualenv: python_env.yaml
                        loader_module: mlflow.pytorch
                        pickle_module_name: mlflow.pytorch.pickle_module
                        python_version: 3.11.9
                      pytorch:
                        code: null
                        model_data: data
                        pytorch_version: 2.7.1
                    mlflow_version: 2.17.2
                    signature:
                      inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, %d]}}]'
                      outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}]'
                    """.formatted(inputs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir, e);
        }
        return dir;
    }

    private static float[] draw(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian() * 0.5f;
        }
        return values;
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    /**
     * The subset of Python's pickle protocol 2 that TorchScript reads back: an object of a scripted
     * class built from a dict of its attributes, whose tensors are rebuilt from storages kept beside
     * the pickle ({@code torch._utils._rebuild_tensor_v2} with a persistent id per storage).
     */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<float[]> storages = new ArrayList<>();

        Pickle() {
            out.write(0x80); // PROTO
            out.write(2);
        }

        byte[] emptyTuple() {
            out.write(')');
            out.write('.');
            return out.toByteArray();
        }

        void object(String module, String type) {
            global(module, type);
            out.write(')');  // EMPTY_TUPLE
            out.write(0x81); // NEWOBJ
            out.write('}');  // EMPTY_DICT
            out.write('(');  // MARK
        }

        Pickle key(String name) {
            string(name);
            return this;
        }

        void bool(boolean value) {
            out.write(value ? 0x88 : 0x89);
        }

        void tensor(float[] values, int... shape) {
            global("torch._utils", "_rebuild_tensor_v2");
            out.write('(');
            out.write('(');
            string("storage");
            global("torch", "FloatStorage");
            string(Integer.toString(storages.size()));
            string("cpu");
            integer(values.length);
            out.write('t');  // TUPLE
            out.write('Q');  // BINPERSID
            storages.add(values);
            integer(0);      // storage offset
            out.write('(');
            for (int size : shape) {
                integer(size);
            }
            out.write('t');
            out.write('(');
            int stride = 1;
            int[] strides = new int[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) {
                strides[i] = stride;
                stride *= shape[i];
            }
            for (int s : strides) {
                integer(s);
            }
            out.write('t');
            bool(false);     // requires_grad
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');  // REDUCE: no backward hooks
            out.write('t');
            out.write('R');
        }

        byte[] build() {
            out.write('u');  // SETITEMS
            out.write('b');  // BUILD
            out.write('.');  // STOP
            return out.toByteArray();
        }

        private void global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        private void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');  // BINUNICODE
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }

        private void integer(int value) {
            out.write('J');  // BININT
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }
    }
}
