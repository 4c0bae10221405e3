"""The lessons' quiz questions, kept out of the notebooks so that a reader never sees an answer in
a cell's source (GitHub, nbviewer and Colab show every cell's code, folded or not).

A lesson's closing cell is ``tlutils.quiz.show(tlutils.quizzes.questions("00"), title=...)``; the
lessons whose body measures a number also ask the reader to predict it first, just before the
measurement, with ``tlutils.quizzes.prediction("00")``. Every multiple-choice question explains
each of its options (``reasons``), and every quiz asks for at least one prediction of a number that
the lesson, or a one-line change to its code, then measures.
"""
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

# -- lesson 03 ---------------------------------------------------------------------------------
_PREDICT_03 = Number(
    "Predict before you run the next cell: into how many WordPiece tokens does the tokenizer split "
    "'Transferability is unbelievably useful' ([CLS] and [SEP] not counted)?",
    answer=9, why="transfer ##ability is un ##bel ##ie ##va ##bly useful: 9 pieces; only 'is' and "
                  "'useful' stay whole, and 'unbelievably' takes five.")

_LESSON_03 = [
    Choice(
        "How does BERT encode input text for transfer learning?",
        ["Each character becomes its Unicode code point",
         "Each word is looked up in a fixed dictionary, and unknown words are dropped",
         "A tokenizer splits it into WordPiece tokens, adds [CLS] and [SEP], maps them to input_ids, "
         "and returns an attention mask and token type ids",
         "The text becomes a bag of word counts"],
        answer=2,
        why="WordPiece splits rare words into known pieces, so almost nothing is out of vocabulary.",
        reasons=["BERT's vocabulary is 30,522 WordPiece tokens, most longer than one character.",
                 "Unknown words are split into known pieces, not dropped; only unseen characters become [UNK].",
                 "", "BERT keeps the order of the tokens; a bag of counts would lose it."]),
    Choice(
        "The two sentences give input_ids of shape (2, 8) with padding=True and max_length=128. Why not (2, 128)?",
        ["padding=True pads to the longest text in the batch; max_length only caps the length",
         "BERT reads at most 8 tokens", "The tokenizer drops stop words"],
        answer=0,
        why="Each sentence is 6 tokens plus [CLS] and [SEP]; (2, 128) needs padding=\"max_length\".",
        reasons=["", "BERT reads up to 512 tokens; these two sentences are 8 tokens long each.",
                 "Every word is kept: 'this', 'was' and 'and' are in the ids above."]),
    Number(
        "What is the id of [CLS] in BERT's uncased vocabulary?",
        answer=101, why="Every sequence starts with [CLS] (101) and ends with [SEP] (102)."),
    Choice(
        "What goes wrong if you average token vectors without the attention mask?",
        ["Nothing: the vectors at [PAD] positions are zero",
         "The [PAD] vectors enter the average, so a sentence's embedding depends on the other texts in its batch",
         "The result has the wrong shape"],
        answer=1,
        why="Attention hides padding from the real tokens, but the [PAD] positions still get vectors of their own.",
        reasons=["The [PAD] positions get vectors from the model like any position; they are not zero.", "",
                 "The shape is the same (texts x hidden size); only the values are wrong, which is why it goes "
                 "unnoticed."]),
    Number(
        "With bert-base-uncased, last_hidden_state for 2 texts of 8 tokens has shape (2, 8, ?). What is ?",
        answer=768, why="bert-base's hidden size is 768 (the offline MiniLM's is 384)."),
]

# -- lesson 04 ---------------------------------------------------------------------------------
_PREDICT_04 = Number(
    "Predict before you run the next cell: a new, random two-class head on 32 reviews. What mean loss "
    "(cross-entropy) do you expect? Three decimals; within 0.01 counts.",
    answer=0.693, tolerance=0.01,
    why="A head that gives each class probability about 1/2 has loss -ln(1/2) = ln 2 = 0.6931; "
        "the next cell measures it.")

_LESSON_04 = [
    Choice(
        "Why fine-tune BERT with a small peak learning rate, warm-up and decay?",
        ["Large updates would overwrite what pretraining learned; warm-up keeps the first steps small "
         "while Adam's running estimates are still unreliable",
         "A small learning rate uses less memory",
         "The tokenizer only works with small learning rates"],
        answer=0,
        why="The encoder needs adjusting, not rebuilding: lesson 05 measures a learning rate of 2e-3 "
            "sending test accuracy towards chance.",
        reasons=["", "Memory depends on the model, the batch and the optimizer's state, not on the step size.",
                 "The tokenizer has no learning rate: it is fixed text processing before the model."]),
    Choice(
        "The same architecture trained from random weights stays near chance on lesson 04's 400 SST-2 "
        "sentences. Why?",
        ["Its learning rate was too small to learn anything",
         "It saw too few labelled sentences to learn language itself, which pretraining had learned from "
         "unlabelled text",
         "Random weights cannot be trained"],
        answer=1,
        why="Pretraining brings what the labelled data cannot teach in a few hundred sentences: what words "
            "mean and how they combine.",
        reasons=["It had six times the fine-tuning rate, and its training loss moved; it did not generalise.", "",
                 "They train (that is how BERT itself began), but need far more data."]),
    Choice(
        "When would you choose feature extraction over fine-tuning BERT?",
        ["With a very large labelled dataset",
         "With little data, little compute, or many tasks sharing one frozen encoder",
         "When the texts are longer than 512 tokens"],
        answer=1,
        why="Its sentence vectors are computed once and reused; only a small classifier trains.",
        reasons=["Many labels are what fine-tuning needs to pay off.", "",
                 "Both approaches read at most 512 tokens at a time; long texts must be cut or split either way."]),
    Number(
        "Predict, then measure with lesson 04's code: a logistic regression on the frozen features, trained "
        "on all 200 positive and only 16 negative reviews, at the default threshold 0.5. What validation "
        "accuracy (validation: half positive)? Within 0.05 counts.",
        answer=0.5, tolerance=0.05,
        why="Exercise 1 measures it: 0.505 to 0.535 over eleven draws of the 16 negatives (offline, SST-2). The probabilities lean "
            "to the majority class, so 0.5 calls nearly every review positive."),
    Choice(
        "classifier(batch, labels=y) on 32 texts returns a loss of which shape?",
        ["(): one number", "(32,): one loss per example", "(32, 2)"],
        answer=1,
        why="That is why the source's f\"{loss.numpy():.4f}\" fails: average the losses first.",
        reasons=["A Keras loss averages unless told reduction=None; the source's transformers model returned one "
                 "loss per example.", "",
                 "(32, 2) is the shape of the logits, one score per class."]),
]

# -- lesson 05 ---------------------------------------------------------------------------------
_PREDICT_05 = Number(
    "Predict before you run the next cell: the LoRA adapters are taken out of the trained model. What "
    "drift will the encoder then have (0 = the pretrained vectors exactly)?",
    answer=0.0, tolerance=1e-6,
    why="LoRA never changed a pretrained weight: without its adapters the encoder is the pretrained one, "
        "and the next cell measures drift 0.")

_LESSON_05 = [
    Choice(
        "Ten classification tasks share one encoder, on a small GPU. Which strategy?",
        ["Full training, once per task", "Adapter tuning (or feature extraction)", "Training from scratch"],
        answer=1,
        why="One frozen encoder stays in memory; each task adds only adapters and a head: about 2 % of "
            "the weights in this lesson's LoRA.",
        reasons=["Ten full copies of the encoder, each trained and stored: ten times the memory and compute.", "",
                 "It throws away what pretraining learned and needs the most data and compute of all."]),
    Choice(
        "Mistake 2: after the head was trained, unfreezing every layer moved the encoder many times further "
        "than unfreezing the top two (same epochs, same learning rate). What can that cost, whatever the "
        "test accuracy says?",
        ["What the pretrained encoder could do besides this task: its topic gap fell (forgetting), which a "
         "test on the same task cannot show",
         "Nothing: the test accuracy is all that a model is for", "Only training time"],
        answer=0,
        why="A test on the task the model was trained for cannot see what it forgot; the topic gap measures "
            "one thing the pretrained encoder could do, before and after.",
        reasons=["", "The next task, or texts unlike the training set, may need what was lost; the topic gap "
                 "shows it was.", "Time differs too, but the larger cost is what the encoder no longer "
                 "does: mistake 2 measures it."]),
    Choice(
        "A fine-tuned ResNet's validation accuracy drops sharply in the first epoch of fine-tuning. "
        "What do you check first?",
        ["That the data is shuffled",
         "That the head ends in a softmax",
         "That the BatchNormalization layers are frozen (in Keras 3 training=False is not enough during "
         "fit), then that the learning rate is small"],
        answer=2,
        why="Small fine-tuning batches overwrite ImageNet's moving statistics unless BatchNorm is frozen.",
        reasons=["Unshuffled data can hurt training, but it does not explain a sudden drop when the base is "
                 "unfrozen.",
                 "The head trained fine before the base was unfrozen, so its output layer is not what changed.", ""]),
    Number(
        "Rank-8 LoRA on query and value in each of MiniLM's 6 layers: each projection's kernel is 384 x 12 x 32 "
        "(hidden size, heads, head size), A is 384 x 12 x 8 and B is 8 x 32. How many adapter parameters?",
        answer=445_440, why="6 layers x 2 projections x (384 x 12 x 8 + 8 x 32) = 12 x 37,120: KerasHub's "
                            "projections keep the heads as an axis, so A keeps it too (as Keras' own LoRA does)."),
    Choice(
        "What does this lesson's drift measure?",
        ["How far the encoder's sentence vectors for the test texts moved from the pretrained ones "
         "(1 - mean cosine similarity)",
         "How much test accuracy dropped", "How much the encoder forgot"],
        answer=0,
        why="0 means the vectors did not move, 1 that they are unrelated; it says nothing about accuracy "
            "or forgetting by itself.",
        reasons=["", "Accuracy is measured separately; the two can move apart (mistake 2: the run that drifted "
                 "most was not the least accurate).",
                 "Drift is change, not loss: forgetting is measured on something the pretrained encoder "
                 "could do (mistake 2's topic gap), and LoRA's adapters come out again."]),
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

# -- lesson 07 ---------------------------------------------------------------------------------
_LESSON_07 = [
    Choice(
        "Why are near-duplicate e-mails (the same campaign or newsletter, re-sent) kept on one side of "
        "the split rather than split at random?",
        ["A random split would leave too few e-mails for testing",
         "With a random split, copies of the same campaign land in training and test, so the test "
         "measures memory of the wording, not detection of phishing it has never seen",
         "Near-duplicates cannot be shuffled"],
        answer=1,
        why="Like lesson 04's unseen sentiment words: a test set must hold what the model has not seen.",
        reasons=["A random split can have any size; the problem is what lands on each side.", "",
                 "They can; the point is to keep each group of copies on one side of the split."]),
    Choice(
        "A detector has recall 0.95 and flags 2 % of legitimate mail. In an inbox with 3.2 % phishing, "
        "about what share of its warnings are right?",
        ["About 0.98, its balanced-set precision", "About 0.61", "About 0.95, its recall"],
        answer=1,
        why="0.95 x 0.032 = 0.0304 right warnings against 0.02 x 0.968 = 0.0194 false ones: "
            "0.0304 / 0.0498 = 0.61.",
        reasons=["Precision depends on the share of phishing: a balanced test set has far more of it than an inbox.",
                 "", "Recall is the share of phishing caught, not the share of warnings that are right."]),
    Number(
        "Predict, then compute with your precision_at: recall 0.9, 1 % of legitimate mail flagged, 1 % of "
        "the mail phishing. What precision (two decimals)?",
        answer=0.48, tolerance=0.005,
        why="0.9 x 0.01 = 0.009 right warnings against 0.01 x 0.99 = 0.0099 false ones: 0.009 / 0.0189 = 0.476."),
    Choice(
        "Why does the server render the screenshot itself, with the renderer used in training?",
        ["Browsers cannot take screenshots",
         "A picture drawn differently (fonts, sizes, images loaded or not) is an input the screenshot "
         "model never saw; the same deterministic renderer keeps serving like training, and it runs no "
         "script and loads nothing remote",
         "It is faster than sending a picture"],
        answer=1,
        why="Training/serving skew is a classic cause of models that test well and fail in use.",
        reasons=["They can; but a browser's picture would differ from the ones the model trained on.", "",
                 "Speed is not the reason: what matters is that serving draws the picture as training did."]),
    Choice(
        "On which data is the ensemble's rule fitted?",
        ["The training split, with the two models", "The validation split", "The test split"],
        answer=1,
        why="On training data both models are overconfident; on the test split nothing unseen would "
            "be left to measure with.",
        reasons=["Both models fit the training split and are overconfident on it, so a rule fitted there "
                 "trusts them too much.", "",
                 "Then the test would measure data the rule was fitted on: nothing unseen would be left."]),
    Choice(
        "Why does the scoring server listen on 127.0.0.1 only?",
        ["So that only programs on this machine can reach it: the e-mails it scores never cross the "
         "network, and no one else can use or probe it",
         "Because FastAPI cannot listen on other addresses",
         "To make it faster"],
        answer=0,
        why="Privacy and attack surface: a server on every interface would accept e-mails from anyone "
            "on the network.",
        reasons=["", "It can listen on any address (0.0.0.0 for all); the course chooses loopback.",
                 "Loopback is not meaningfully faster; the reason is who can reach the server."]),
]

_QUIZZES: dict[str, list[Question]] = {
    "00": [*_LESSON_00[:2], _PREDICT_00, *_LESSON_00[2:]], "01": _LESSON_01, "02": _LESSON_02,
    "03": [*_LESSON_03, _PREDICT_03], "04": _LESSON_04, "05": [*_LESSON_05, _PREDICT_05], "06": _LESSON_06,
    "07": _LESSON_07,
}
_PREDICTIONS: dict[str, Number] = {"00": _PREDICT_00, "03": _PREDICT_03, "04": _PREDICT_04, "05": _PREDICT_05}


def questions(lesson: str) -> list[Question]:
    """The closing quiz of a lesson ("00" to "07").

    Example:
        >>> len(questions("00")) >= 4
        True
    """
    if lesson not in _QUIZZES:
        raise ValueError(f"No quiz for lesson {lesson!r}: the lessons are {', '.join(_QUIZZES)}.")
    return list(_QUIZZES[lesson])


def prediction(lesson: str) -> list[Question]:
    """The one question a lesson asks just before it measures the answer (lessons 00, 03, 04, 05).

    Example:
        >>> prediction("04")[0].is_correct(0.69)
        True
    """
    if lesson not in _PREDICTIONS:
        raise ValueError(f"Lesson {lesson!r} asks no prediction in its body; those that do: "
                         f"{', '.join(_PREDICTIONS)}.")
    return [_PREDICTIONS[lesson]]
