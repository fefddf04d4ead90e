import GageKit
print("placeholder")
