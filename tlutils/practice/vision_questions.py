"""The quiz questions of the vision lessons (00, 01, 02 and 06); :mod:`.questions` serves them."""
from __future__ import annotations

from .quiz import Choice, Number, Question

# -- lesson 00 ---------------------------------------------------------------------------------
_PREDICT_00 = Number(
    "Predict before you run the probe: with 5 labelled photos per class, what test accuracy will "
    "logistic regression on the ImageNet features reach (5 classes, chance 0.2)? Give a fraction; "
    "within 0.08 counts.",
    answer=0.92, tolerance=0.08,
    why="Measured below: 0.920 on average over 20 splits, against under 0.5 for random features and raw pixels.")

_LESSON_00 = [
    Choice(
        "What does a linear probe measure?",
        ["How fast the network runs on a CPU",
         "How well fixed features separate new classes: only a linear classifier trains, on k labelled "
         "examples per class",
         "How many layers of the network to unfreeze"],
        answer=1,
        why="The features stay as they are, so the probe's accuracy is a property of the features.",
        reasons=["Speed is timed, not probed: the probe's result is an accuracy.", "",
                 "The probe keeps every layer frozen; it says how good the frozen features are, not "
                 "which layers to train."]),
    Choice(
        "The random network's probe improves a little from 1 to 20 labels, while the pretrained one is "
        "already high at 5. Why?",
        ["The pretrained network saw the course photos during its ImageNet training",
         "Random features are longer vectors",
         "Random features carry little class information, so the labels must supply it; pretrained features "
         "already separate the classes, so a few labels suffice"],
        answer=2,
        why="That is what transfer learning transfers: a representation in which new classes are nearly separable.",
        reasons=["Nothing rules that out, and nothing shows it: most course photos are Wikimedia Commons photos "
                 "(shipped in Debian's GCompris), ImageNet was also gathered from the web, and no one checked for "
                 "overlap. It would not explain the pattern anyway: random features gain little from more labels.",
                 "Both give 1,280 numbers per photo: the same network, with different weights.", ""]),
    Choice(
        "What would you expect for classes far from ImageNet, such as X-ray images, and how would you find out?",
        ["A smaller gap between pretrained and random features; measure it with the same probe on an X-ray "
         "folder loaded with load_image_folder",
         "Exactly the same accuracy as on the course photos, so there is nothing to measure",
         "Random features always win on medical images"],
        answer=0,
        why="Low-level features (edges, textures) still transfer, but less of what the top layers learned does.",
        reasons=["", "A probe's accuracy depends on the classes and the features; a new domain needs its own "
                     "measurement.",
                 "Pretrained features usually still beat random ones; what shrinks is the margin, and only a "
                 "measurement says by how much."]),
    Number(
        "The first convolution has 32 filters of 3 x 3 on 3 colour channels and no bias. How many weights?",
        answer=864, why="3 x 3 x 3 x 32 = 864; a BatchNormalization layer follows instead of a bias."),
    Number(
        "How many numbers does the pooled Lite0 extractor give per photo?",
        answer=1280, why="The last feature map is 7 x 7 x 1,280, averaged over its 7 x 7 positions."),
]

# -- lesson 01 ---------------------------------------------------------------------------------
_LESSON_01 = [
    Choice(
        "What is the key difference between feature extraction and fine-tuning?",
        ["Feature extraction uses a pretrained model; fine-tuning starts from random weights",
         "Feature extraction trains only a new head on a frozen base; fine-tuning also unfreezes some "
         "or all of the base and trains it with a low learning rate",
         "Fine-tuning trains only the new head; feature extraction trains every layer",
         "They differ only in the number of epochs"],
        answer=1,
        why="Both start from pretrained weights; what differs is whether the base's weights may change.",
        reasons=["Both start from the pretrained weights; starting from random weights is training from scratch.",
                 "", "It is the other way round: feature extraction keeps the base frozen.",
                 "Epochs are a budget, not a strategy: the difference is which weights may change."]),
    Choice(
        "When should you use feature extraction instead of fine-tuning?",
        ["With a very large dataset from a very different domain",
         "Whenever a GPU is available",
         "With a small dataset, or a task close to the pretraining data",
         "Never: fine-tuning always wins"],
        answer=2,
        why="It is the fastest strategy and the least prone to overfitting, and with few labels "
            "there is little to gain from moving the base.",
        reasons=["That is where moving the base pays off most: fine-tuning or full training.",
                 "Hardware changes how long a strategy takes, not which one suits the data.", "",
                 "Lesson 04 measured feature extraction ahead of fine-tuning on its small text task."]),
    Choice(
        "What is the role of the GlobalAveragePooling2D layer in this model?",
        ["It averages each of the 512 feature maps into one number: a fixed-size vector per image, "
         "whatever the image size",
         "It halves the height and width of the image",
         "It averages the 5 class probabilities",
         "It freezes the base"],
        answer=0,
        why="It keeps whether a feature is present and drops where, and the dense head gets the "
            "fixed-size input it needs.",
        reasons=["", "That is a 2 x 2 pooling such as VGG16's MaxPooling2D; global pooling removes the "
                     "height and width altogether.",
                 "It comes before the head, on the base's feature maps; the probabilities come out of the softmax.",
                 "Freezing is base.trainable = False; a pooling layer has no weights to freeze."]),
    Number(
        "How many parameters does Dense(256) add on the 512 pooled features?",
        answer=131_328, why="512 x 256 weights + 256 biases."),
    Number(
        "Predict, then count with the lesson's count_params: with Dense(64) instead of Dense(256) in the "
        "head (same pooling, dropout and 5-way softmax), how many parameters train?",
        answer=33_157, why="512 x 64 + 64 = 32,832 for the hidden layer, 64 x 5 + 5 = 325 for the softmax."),
    Number(
        "With Flatten instead of pooling, at 224 px, how many parameters would that Dense(256) have?",
        answer=6_422_784, why="VGG16 outputs 7 x 7 x 512 = 25,088 numbers: 25,088 x 256 + 256."),
    Choice(
        "You scale pixels with x / 255 instead of VGG16's preprocess_input. What happens?",
        ["Keras raises an error", "Nothing: both give the model what it expects",
         "It trains, silently worse: the inputs no longer look like those the weights learned from"],
        answer=2,
        why="VGG16 expects BGR with the ImageNet means subtracted (about -124 to 152), not 0 to 1.",
        reasons=["Any numbers of the right shape are valid inputs; nothing checks their range.",
                 "The weights learned from BGR pixels with the ImageNet means subtracted; 0 to 1 is not that "
                 "(lesson 05 measures the cost on EfficientNet-Lite0).", ""]),
]

# -- lesson 02 ---------------------------------------------------------------------------------
_LESSON_02 = [
    Choice(
        "Why use a low learning rate (about 1e-5) when fine-tuning?",
        ["It makes every epoch faster",
         "Large updates would destroy the useful features learned in pretraining: they need small "
         "adjustments, not reorganisation",
         "Keras refuses larger learning rates once layers are unfrozen"],
        answer=1,
        why="The pretrained weights are already good; small steps adapt them, large ones overwrite them.",
        reasons=["An epoch costs the same at any learning rate: the same passes over the same data.", "",
                 "Keras accepts any learning rate; the harm of a large one shows only in the results."]),
    Choice(
        "You unfreeze layers but forget to re-compile. What happens?",
        ["The newly unfrozen layers train anyway",
         "Keras raises an error at the next fit",
         "Nothing changes: the optimizer keeps updating only what was trainable at the last compile"],
        answer=2,
        why="Section 4 measured it: 0 of 26 base tensors changed until the model was compiled again.",
        reasons=["The training step was built at compile time with the old list of trainable weights.",
                 "fit runs without any warning, which is what makes this mistake easy to miss.", ""]),
    Choice(
        "Why unfreeze the top layers rather than the bottom ones?",
        ["Top layers hold the most ImageNet-specific combinations; bottom layers detect generic edges "
         "and textures that transfer as they are",
         "Top layers have fewer parameters",
         "Keras can only unfreeze the last layers of a model"],
        answer=0,
        why="What a new task needs to change sits at the top; block 5 alone has 7 million weights.",
        reasons=["", "VGG16's top block has the most: 7 million weights against 38,720 in block 1.",
                 "Any layer's trainable flag can be set; the order is a choice, made for what the layers hold."]),
    Number(
        "Trainable parameters after unfreezing VGG16's block 5, with the lesson's head?",
        answer=7_212_037, why="3 x (3 x 3 x 512 x 512 + 512) = 7,079,424 in block 5, plus the 132,613 of the head."),
    Number(
        "Predict, then count with count_params: unfreeze only block5_conv3, VGG16's last convolution, "
        "under the lesson's head. How many parameters train?",
        answer=2_492_421, why="3 x 3 x 512 x 512 + 512 = 2,359,808 in that layer, plus the head's 132,613."),
    Choice(
        "In Keras 3, how do you keep a BatchNormalization layer's moving statistics during fine-tuning?",
        ["Call the base with training=False", "Freeze the BatchNormalization layers (trainable=False)",
         "Use a smaller batch size"],
        answer=1,
        why="fit calls the model with training=True, which overrides training=False (keras-team/keras#20285); "
            "a frozen BatchNormalization layer runs in inference mode.",
        reasons=["Lesson 05 counts it: with training=False all 98 moving statistics still changed in one step "
                 "of fit.", "",
                 "Smaller batches make it worse: noisier statistics replace ImageNet's."]),
]

# -- lesson 06 ---------------------------------------------------------------------------------
_LESSON_06 = [
    Choice(
        "Why does the fine-tuning approach start from the feature-extraction head?",
        ["Because a random head always sends larger gradients into the base",
         "So that fine-tuning starts from a good solution: in lesson 05, training the head first gave "
         "higher test accuracy than training a fresh head together with the encoder",
         "To have fewer trainable parameters"],
        answer=1,
        why="A fresh head's gradients are larger or smaller depending on its initialisation (larger for "
            "lesson 02's Keras head, smaller for lesson 05's KerasHub head); starting from a trained head "
            "starts the base's training from a classifier that already works.",
        reasons=["Not always: lesson 05 measured a fresh KerasHub head sending smaller gradients than a "
                 "trained one.", "",
                 "The head has the same size either way; starting from a trained one changes its weights, "
                 "not their number."]),
    Choice(
        "Caching the features of a few augmented views of each image: what do you give up compared with "
        "fresh augmentation "
        "every epoch?",
        ["Nothing at all",
         "Variety: the head sees the same few views again, in exchange for running the expensive base a "
         "few times instead of once per epoch",
         "Every parameter of the head"],
        answer=1,
        why="The head can then train many more epochs in the same time.",
        reasons=["Fresh augmentation shows new views every epoch; a cache repeats the same few.", "",
                 "The head is the same model either way; only the inputs it sees change."]),
    Choice(
        "The from-scratch ResNet50 trains 23.7 million weights on 1,020 images. What would it need to "
        "approach the published 92%?",
        ["Only a higher learning rate",
         "Far longer training with a tuned schedule and strong regularisation and augmentation",
         "Freezing its top 20 layers"],
        answer=1,
        why="Even then the published from-scratch result stays below the pretrained ones (94.7%, 97.6%).",
        reasons=["A larger step does not give 23.7 million weights more than 10 examples per class to learn from.",
                 "", "Freezing random layers keeps them random: they never learn anything."]),
    Number(
        "The feature-extraction head is Dropout + Dense(102) on 2,048 features. How many parameters train?",
        answer=208_998, why="2,048 x 102 weights + 102 biases."),
    Number(
        "Predict, then count with count_params: ResNet50 without its top, every layer trainable, plus that "
        "Dense(102) head. How many parameters train?",
        answer=23_743_590,
        why="The base has 23,587,712 parameters, of which 53,120 are BatchNorm moving statistics that never "
            "train: 23,534,592, plus the head's 208,998."),
    Number(
        "How many training images per class does Flowers-102 give?",
        answer=10, why="1,020 training images for 102 classes: why augmentation is not optional."),
]

QUIZZES: dict[str, list[Question]] = {"00": [*_LESSON_00[:2], _PREDICT_00, *_LESSON_00[2:]], "01": _LESSON_01,
                                      "02": _LESSON_02, "06": _LESSON_06}
PREDICTIONS: dict[str, Number] = {"00": _PREDICT_00}
