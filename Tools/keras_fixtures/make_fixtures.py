#!/usr/bin/env python3
"""Writes the small Keras models trigc's import tests read (Tests/ModelIOTests/Fixtures/).

Run with Keras 3 on the JAX backend (CPU only):

    python3 -m venv .venv-keras && .venv-keras/bin/pip install keras jax h5py
    .venv-keras/bin/python Tools/keras_fixtures/make_fixtures.py Tests/ModelIOTests/Fixtures

For each model NAME it writes NAME.keras (zip), NAME.h5 (Keras 3 legacy HDF5) and
NAME.data.h5 with fixed inputs (`inputs/<input layer name>`) and Keras's float32 outputs
(`outputs/<output layer name>`). It also writes a synthetic Keras-2-layout file made by hand
with h5py (keras2_sequential.h5, outputs computed with numpy using Keras 2's hard_sigmoid
slope 0.2) and the broken files the error tests read (bad_*.h5, bad_*.keras).
"""
import json
import os
import shutil
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

EVENTS = 6


def randomize(model, rng):
    """Non-trivial weights: random biases, and batch-norm statistics away from 0 and 1."""
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        new = []
        for w, v in zip(layer.weights, weights):
            name = w.path.split("/")[-1]
            if name == "moving_variance":
                new.append(rng.uniform(0.5, 2.0, v.shape).astype("float32"))
            elif name in ("gamma",):
                new.append(rng.uniform(0.5, 1.5, v.shape).astype("float32"))
            else:
                new.append(rng.normal(0, 0.6, v.shape).astype("float32"))
        layer.set_weights(new)


def sequence_batch(rng, steps, features, pad=True):
    """Events of `steps` rows; with `pad`, trailing rows are zero (variable length) and one
    event also has a zero row in the middle, which Masking skips too."""
    x = rng.normal(0, 1, (EVENTS, steps, features)).astype("float32")
    if pad:
        for e in range(EVENTS):
            length = steps - (e % 4) * 2
            x[e, length:, :] = 0
        x[1, 2, :] = 0
    return x


def write_model(directory, name, model, inputs):
    model.save(os.path.join(directory, name + ".keras"))
    model.save(os.path.join(directory, name + ".h5"))
    input_names = [t._keras_history[0].name for t in model.inputs]
    output_names = [t._keras_history[0].name for t in model.outputs]
    outputs = model.predict([inputs[n] for n in input_names] if len(inputs) > 1
                            else inputs[input_names[0]], verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    with h5py.File(os.path.join(directory, name + ".data.h5"), "w") as f:
        for key, value in inputs.items():
            f.create_dataset("inputs/" + key, data=value)
        for layer_name, value in zip(output_names, outputs):
            f.create_dataset("outputs/" + layer_name, data=np.asarray(value, dtype="float32"))


def models(rng):
    """(name, model, inputs by input name) for every fixture."""
    result = []

    x = keras.Input((6,), name="features")
    y = x
    for i, act in enumerate(["relu", "tanh", "sigmoid", "hard_sigmoid", "leaky_relu", "linear"]):
        y = layers.Dense(8, activation=act, name=f"dense_{act}")(y)
    y = layers.Dense(4, activation="softmax", name="dense_softmax")(y)
    m = keras.Model(x, y, name="dense_activations")
    result.append(("dense_activations", m, {"features": rng.normal(0, 2, (EVENTS, 6)).astype("float32")}))

    m = keras.Sequential([
        keras.Input((5,), name="hlf"),
        layers.Dense(8), layers.ReLU(),
        layers.Dense(8), layers.LeakyReLU(negative_slope=0.1),
        layers.Dense(8), layers.Activation("hard_sigmoid"),
        layers.BatchNormalization(),
        layers.Dropout(0.3),
        layers.Dense(6), layers.Activation("tanh"),
        layers.Dense(6, use_bias=False), layers.Activation("sigmoid"),
        layers.Dense(3), layers.Softmax(),
    ], name="sequential_layers")
    result.append(("sequential_layers", m, {"hlf": rng.normal(0, 2, (EVENTS, 5)).astype("float32")}))

    x = keras.Input((10, 4), name="particles")
    y = layers.Masking(0.0)(x)
    y = layers.GRU(6, reset_after=True, name="gru")(y)
    y = layers.Dense(3, activation="softmax", name="dense")(y)
    m = keras.Model(x, y, name="gru_reset_after")
    result.append(("gru_reset_after", m, {"particles": sequence_batch(rng, 10, 4)}))

    m = keras.Sequential([
        keras.Input((8, 3), name="particles"),
        layers.Masking(0.0),
        layers.GRU(5, reset_after=False, recurrent_activation="hard_sigmoid"),
        layers.Dense(2),
    ], name="gru_reset_before")
    result.append(("gru_reset_before", m, {"particles": sequence_batch(rng, 8, 3)}))

    a = keras.Input((7, 3), name="particles")
    b = keras.Input((5,), name="hlf")
    c = keras.Input((3, 2), name="grid")
    s = layers.Masking(0.0)(a)
    s = layers.GRU(4, activation="relu", use_bias=False, reset_after=True)(s)
    s = layers.Dropout(0.2)(s)
    h = layers.Dense(6, activation="relu")(b)
    h = layers.BatchNormalization(center=False)(h)
    g = layers.Flatten()(c)
    g = layers.BatchNormalization(scale=False, epsilon=0.01)(g)
    z = layers.Concatenate()([s, h, g])
    z = layers.Dense(5, activation="tanh")(z)
    out1 = layers.Dense(3, activation="softmax", name="classes")(z)
    out2 = layers.Dense(1, activation="sigmoid", name="score")(h)
    m = keras.Model([a, b, c], [out1, out2], name="three_inputs")
    result.append(("three_inputs", m, {
        "particles": sequence_batch(rng, 7, 3),
        "hlf": rng.normal(0, 1, (EVENTS, 5)).astype("float32"),
        "grid": rng.normal(0, 1, (EVENTS, 3, 2)).astype("float32"),
    }))
    return result


def write_keras2_sequential(directory, rng):
    """A Keras-2-layout Sequential (no InputLayer, batch_input_shape on the first layer,
    weights under model_weights/<layer>/<layer>/<name>:0, fixed-length byte strings), made by
    hand: Keras 3 cannot write this layout. Reference outputs use Keras 2's formulas."""
    k1 = rng.normal(0, 0.6, (4, 6)).astype("float32")
    b1 = rng.normal(0, 0.6, (6,)).astype("float32")
    k2 = rng.normal(0, 0.6, (6, 3)).astype("float32")
    b2 = rng.normal(0, 0.6, (3,)).astype("float32")
    dense = lambda name, units, act, extra: {"class_name": "Dense", "config": dict(
        {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": act,
         "use_bias": True}, **extra)}
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        dense("dense_1", 6, "hard_sigmoid", {"batch_input_shape": [None, 4]}),
        dense("dense_2", 3, "softmax", {}),
    ]}}
    x = rng.normal(0, 3, (EVENTS, 4)).astype("float32")
    h = np.clip(0.2 * (x @ k1 + b1) + 0.5, 0, 1)
    logits = h @ k2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    y = (e / e.sum(axis=1, keepdims=True)).astype("float32")
    with h5py.File(os.path.join(directory, "keras2_sequential.h5"), "w") as f:
        f.attrs["keras_version"] = np.bytes_("2.3.1")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps(config))
        w = f.create_group("model_weights")
        w.attrs["layer_names"] = np.array([b"dense_1", b"dense_2"])
        for name, (k, b) in [("dense_1", (k1, b1)), ("dense_2", (k2, b2))]:
            g = w.create_group(name)
            g.attrs["weight_names"] = np.array([f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()])
            g.create_dataset(f"{name}/kernel:0", data=k)
            g.create_dataset(f"{name}/bias:0", data=b)
    with h5py.File(os.path.join(directory, "keras2_sequential.data.h5"), "w") as f:
        f.create_dataset("inputs/dense_1_input", data=x)
        f.create_dataset("outputs/dense_2", data=y)


def write_bad_files(directory, rng):
    """Broken models for the error tests."""
    src = os.path.join(directory, "gru_reset_after.h5")
    shutil.copy(src, os.path.join(directory, "bad_weight_shape.h5"))
    with h5py.File(os.path.join(directory, "bad_weight_shape.h5"), "a") as f:
        group = f["model_weights/dense"]
        path = group.attrs["weight_names"][0]
        path = path.decode() if isinstance(path, bytes) else path
        del group[path]
        group.create_dataset(path, data=np.zeros((5, 3), dtype="float32"))
    shutil.copy(src, os.path.join(directory, "bad_missing_weight.h5"))
    with h5py.File(os.path.join(directory, "bad_missing_weight.h5"), "a") as f:
        group = f["model_weights/gru"]
        path = group.attrs["weight_names"][1]
        path = path.decode() if isinstance(path, bytes) else path
        del group[path]
    with h5py.File(os.path.join(directory, "bad_no_config.h5"), "w") as f:
        f.create_dataset("particles", data=np.zeros((2, 3), dtype="float32"))

    m = keras.Sequential([keras.Input((6, 2), name="x"), layers.Conv1D(2, 3, name="conv"), layers.Flatten()])
    m.save(os.path.join(directory, "bad_unsupported_layer.keras"))
    m = keras.Sequential([keras.Input((4, 2), name="x"), layers.Masking(0.0),
                          layers.GRU(3, return_sequences=True, name="gru_seq"), layers.Flatten()])
    m.save(os.path.join(directory, "bad_return_sequences.h5"))

    good = os.path.join(directory, "gru_reset_after.keras")
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(
            os.path.join(directory, "bad_missing_member.keras"), "w") as zout:
        for item in zin.infolist():
            if item.filename != "model.weights.h5":
                zout.writestr(item, zin.read(item.filename))


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "Tests/ModelIOTests/Fixtures"
    os.makedirs(directory, exist_ok=True)
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(2024)
    for name, model, inputs in models(rng):
        randomize(model, rng)
        write_model(directory, name, model, inputs)
    write_keras2_sequential(directory, rng)
    write_bad_files(directory, rng)


if __name__ == "__main__":
    main()
