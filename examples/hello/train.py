"""A toy training script: fits y = 2x with gradient descent.

Gage reads the module-level assignments below as the run's config, so
`gage run train lr=0.05 epochs=5` runs this file with those values.
"""

import json

lr = 0.1
epochs = 3
msg = "hello"

data = [(x / 10, 2 * x / 10) for x in range(1, 11)]


def loss_of(w):
    return sum((w * x - y) ** 2 for x, y in data) / len(data)


print(f"{msg}: training for {epochs} epochs with lr={lr}")

w = 0.0
for epoch in range(1, epochs + 1):
    grad = sum(2 * (w * x - y) * x for x, y in data) / len(data)
    w -= lr * grad
    print(f"epoch {epoch}: w={w:.4f} loss={loss_of(w):.6f}")

loss = round(loss_of(w), 6)

with open("model.txt", "w") as f:
    f.write(f"w = {w:.6f}\n")

with open("summary.json", "w") as f:
    json.dump({"metrics": {"loss": loss, "w": round(w, 6)}}, f, indent=2)
    f.write("\n")

print(f"wrote model.txt (w={w:.4f}) and summary.json (loss={loss})")
