import GageKit
