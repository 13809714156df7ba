"""Writes tiny_mlp.pt (a TorchScript MLP, 4 -> 8 -> 1, fixed weights) and tiny_mlp.json (inputs and
the outputs PyTorch computes for them) next to this script. TorchScriptLoaderTest loads the model
with DJL and checks the same outputs; without the files it says why it skips.

Run where PyTorch for Python is installed:  python make_tiny_mlp.py
"""
import json
import os

import torch

torch.manual_seed(7)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1)).eval()
here = os.path.dirname(os.path.abspath(__file__))
scripted = torch.jit.script(model)
scripted.save(os.path.join(here, "tiny_mlp.pt"))
inputs = [[0.5, -1.0, 2.0, 0.0], [1.5, 0.25, -0.75, 3.0]]
with torch.no_grad():
    outputs = scripted(torch.tensor(inputs, dtype=torch.float32)).reshape(-1).tolist()
with open(os.path.join(here, "tiny_mlp.json"), "w") as f:
    json.dump({"inputs": inputs, "outputs": outputs}, f)
print("wrote tiny_mlp.pt and tiny_mlp.json:", outputs)
