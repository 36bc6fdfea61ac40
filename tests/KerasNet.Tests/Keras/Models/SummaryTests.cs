using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

public class SummaryTests
{
    [Fact]
    public void Parameter_counts_equal_Keras_published_numbers()
    {
        Assert.Equal(93_322, ArticleModels.FashionCnn().count_params());
        Assert.Equal(19_024_513, ArticleModels.CatsDogsBaseline().count_params());
        Assert.Equal(4_457_985, ArticleModels.BottleneckMlp().count_params());
    }

    [Fact]
    public void Summary_prints_Keras_table_for_the_fashion_cnn()
    {
        keras.backend.clear_session();
        var model = ArticleModels.FashionCnn();
        string text = "";
        model.summary(print_fn: s => text = s);
        const string expected = """
            Model: "sequential"
            _________________________________________________________________
            Layer (type)                 Output Shape              Param #   
            =================================================================
            conv2d (Conv2D)              (None, 26, 26, 32)        320       
            _________________________________________________________________
            max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0         
            _________________________________________________________________
            conv2d_1 (Conv2D)            (None, 11, 11, 64)        18496     
            _________________________________________________________________
            max_pooling2d_1 (MaxPooling2 (None, 5, 5, 64)          0         
            _________________________________________________________________
            conv2d_2 (Conv2D)            (None, 3, 3, 64)          36928     
            _________________________________________________________________
            flatten (Flatten)            (None, 576)               0         
            _________________________________________________________________
            dense (Dense)                (None, 64)                36928     
            _________________________________________________________________
            dense_1 (Dense)              (None, 10)                650       
            =================================================================
            Total params: 93,322
            Trainable params: 93,322
            Non-trainable params: 0
            _________________________________________________________________
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), text);
        keras.backend.clear_session();
    }

    [Fact]
    public void Summary_of_an_unbuilt_model_explains_how_to_build_it()
    {
        var model = keras.Sequential([keras.layers.Dense(3)]);
        var e = Assert.Throws<InvalidOperationException>(() => model.summary());
        Assert.Contains("not yet been built", e.Message);
        model.build(new KerasNet.Keras.Shape(4));
        Assert.Equal(15, model.count_params());
    }
}
