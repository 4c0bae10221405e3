"""The quiz questions of the text lessons and the capstone (03, 04, 05 and 07); :mod:`.questions`
serves them."""
from __future__ import annotations

from .quiz import Choice, Number, Question

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

QUIZZES: dict[str, list[Question]] = {"03": [*_LESSON_03, _PREDICT_03], "04": _LESSON_04,
                                      "05": [*_LESSON_05, _PREDICT_05], "07": _LESSON_07}
PREDICTIONS: dict[str, Number] = {"03": _PREDICT_03, "04": _PREDICT_04, "05": _PREDICT_05}
