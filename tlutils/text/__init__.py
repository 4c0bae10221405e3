"""The text lessons' toolkit (lessons 03-05 and the capstone's text model), on Keras 3 with KerasHub.

* :mod:`.data`: sentiment data (SST-2; offline its shipped subset) and CSV reading;
* :mod:`.encoders`: BERT from Hugging Face-format folders (offline the packaged MiniLM), token ids,
  mean pooling, sentence vectors batched by length;
* :mod:`.classifier`: training (per-batch padding, warm-up and decay) and predicting;
* :mod:`.saving`: saving a fine-tuned classifier whole or not at all, and loading it back.
"""
from .classifier import (PROGRESS_AFTER, by_length, classify_sentence, fine_tuning_recipe,
                         fit_classifier, padded_batches, predict_labels, predict_logits, warmup_schedule)
from .data import (DATA_DIR, SENTIMENT_CLASSES, SST2_SUBSET, TEMPLATE_SET, TextData, TextSplit, load_sentiment,
                   load_template_sentiment, read_csv_split)
from .encoders import (HUB_FILES, NO_WORDS, OFFLINE_MODEL, check_texts, compiled, encode_texts, length_batches,
                       load_bert, load_tokenizer, mean_pool, packaged_minilm, pretrained_source, sentence_vectors,
                       wordless)
from .saving import CHECKSUMS, RESAVE_CLASSIFIER, classifier_dir, load_classifier, save_classifier

__all__ = ["CHECKSUMS", "DATA_DIR", "HUB_FILES", "NO_WORDS", "OFFLINE_MODEL", "PROGRESS_AFTER", "RESAVE_CLASSIFIER",
           "SENTIMENT_CLASSES", "SST2_SUBSET", "TEMPLATE_SET", "TextData", "TextSplit", "check_texts",
           "by_length", "classifier_dir", "classify_sentence", "compiled", "length_batches", "encode_texts", "fine_tuning_recipe",
           "fit_classifier", "load_bert", "load_classifier", "load_sentiment", "load_template_sentiment",
           "load_tokenizer", "mean_pool", "packaged_minilm", "padded_batches", "predict_labels", "predict_logits",
           "pretrained_source", "read_csv_split", "save_classifier", "sentence_vectors", "warmup_schedule", "wordless"]
