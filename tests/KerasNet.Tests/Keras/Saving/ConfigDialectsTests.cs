using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Saving;

/// <summary>The config dialects Keras wrote over the years, written out by hand as each version spells them.</summary>
public class ConfigDialectsTests
{
    [Fact]
    public void A_keras_3_functional_config_with_keras_tensor_nodes_and_dtype_policies_loads()
    {
        using var scope = new TensorScope();
        const string json = """
        {"module": "keras", "class_name": "Functional", "registered_name": null, "config": {
          "name": "k3", "trainable": true,
          "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "input_layer",
             "config": {"batch_shape": [null, 6, 6, 2], "dtype": "float32", "sparse": false, "name": "input_layer"}, "inbound_nodes": []},
            {"module": "keras.layers", "class_name": "Conv2D", "registered_name": null, "name": "conv",
             "config": {"name": "conv", "trainable": true,
                        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
                        "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
                        "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": true,
                        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
                        "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
                        "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.001}, "registered_name": null},
                        "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
             "build_config": {"input_shape": [null, 6, 6, 2]},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 6, 2], "dtype": "float32",
                                 "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "Add", "registered_name": null, "name": "add",
             "config": {"name": "add", "trainable": true, "dtype": "float32"},
             "inbound_nodes": [{"args": [[
                {"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 6, 2], "dtype": "float32", "keras_history": ["conv", 0, 0]}},
                {"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 6, 2], "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}
             ]], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "BatchNormalization", "registered_name": null, "name": "bn",
             "config": {"name": "bn", "trainable": false, "dtype": "float32", "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": true,
                        "scale": true, "beta_initializer": "zeros", "gamma_initializer": "ones", "moving_mean_initializer": "zeros",
                        "moving_variance_initializer": "ones", "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
                        "gamma_constraint": null, "synchronized": false},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 6, 2], "dtype": "float32",
                                 "keras_history": ["add", 0, 0]}}], "kwargs": {"training": false}}]}
          ],
          "input_layers": ["input_layer", 0, 0],
          "output_layers": ["bn", 0, 0]
        }}
        """;
        using var model = keras.models.model_from_json(json);
        Assert.Equal(["input_layer", "conv", "add", "bn"], model.layers.Select(l => l.name));
        Assert.False(model.get_layer("bn").trainable);
        Assert.Single(model.losses);  // the L2 kernel regularizer
        var bn = model.get_layer("bn");
        Assert.Equal(false, bn.inbound_nodes[0].training);
        var x = Fixtures.RandomTensor([2, 6, 6, 2]);
        var conv = model.get_layer("conv").Apply(x);
        var expected = new Add().Apply([conv, x]);
        var y = model.predict(x);
        var e = expected.ToArray<float>();
        var g = y.ToArray<float>();
        for (int i = 0; i < e.Length; i++) Assert.Equal(e[i] / Math.Sqrt(1 + 1e-3), g[i], 4);  // BN at its initial statistics
    }

    [Fact]
    public void Old_dialects_load_bare_sequential_lists_model_class_keras_1_nodes_and_old_initializer_spellings()
    {
        using var scope = new TensorScope();
        // Keras 1 / early Keras 2: Sequential config as a bare list, batch_input_shape on the first layer
        const string bare = """
        {"class_name": "Sequential", "config": [
          {"class_name": "Dense", "config": {"name": "d", "trainable": true, "batch_input_shape": [null, 3], "units": 2,
            "activation": "tanh", "use_bias": true,
            "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": null}},
            "bias_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.1, "maxval": 0.1, "seed": null}},
            "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.0}},
            "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
          {"class_name": "Activation", "config": {"name": "a", "trainable": true, "activation": "softmax"}}
        ], "keras_version": "2.0.8", "backend": "tensorflow"}
        """;
        using var seq = keras.models.model_from_json(bare);
        Assert.IsType<Sequential>(seq);
        Assert.Equal(8, seq.count_params());
        var l1 = seq.losses.Single().Item();
        var kernel = seq.get_layer("d").variables[0].numpy().ToArray<float>();
        Assert.Equal(0.01 * kernel.Sum(v => Math.Abs(v)), l1, 5);

        // class name "Model", Keras 1 node entries without kwargs, nested input_layers
        const string model1 = """
        {"class_name": "Model", "config": {"name": "m",
          "layers": [
            {"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 4], "dtype": "float32", "sparse": false, "name": "in"}, "inbound_nodes": []},
            {"class_name": "Dense", "name": "d1", "config": {"name": "d1", "trainable": true, "units": 4, "activation": "linear", "use_bias": false,
              "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros"}, "inbound_nodes": [[["in", 0, 0]]]},
            {"class_name": "Concatenate", "name": "c", "config": {"name": "c", "trainable": true, "axis": -1}, "inbound_nodes": [[["d1", 0, 0], ["in", 0, 0]]]}
          ],
          "input_layers": [["in", 0, 0]], "output_layers": [["c", 0, 0]]}}
        """;
        using var fn = keras.models.model_from_json(model1);
        Assert.Equal([null, 8], fn.output.shape.Dims);
    }
}
