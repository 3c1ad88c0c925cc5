"""Generated pseudonyms ("Renard-Bleu-27") and secrets ("lune-tigre-48") for pupils: easy to read
aloud and type on a school keyboard, no ambiguous characters, drawn with `secrets`."""

import secrets

ANIMALS = [
    "Renard", "Loup", "Ours", "Lynx", "Aigle", "Castor", "Chamois", "Dauphin", "Faucon", "Gazelle",
    "Hibou", "Koala", "Lama", "Manchot", "Marmotte", "Panda", "Phoque", "Puma", "Tigre", "Zebre",
    "Blaireau", "Colibri", "Ecureuil", "Elan", "Flamant", "Herisson", "Jaguar", "Lemurien",
    "Loutre", "Mouette", "Orque", "Pelican", "Pingouin", "Raton", "Salamandre", "Tortue",
]  # fmt: skip
COLOURS = [
    "Bleu", "Rouge", "Vert", "Jaune", "Orange", "Violet", "Rose", "Gris", "Blanc", "Noir",
    "Turquoise", "Dore", "Argent", "Corail", "Indigo", "Ocre", "Olive", "Prune", "Sable", "Azur",
]  # fmt: skip
WORDS = [
    "lune", "soleil", "nuage", "riviere", "montagne", "foret", "plage", "etoile", "orage", "vague",
    "jardin", "pomme", "cerise", "citron", "banane", "tomate", "piano", "guitare", "tambour",
    "violon", "crayon", "cahier", "livre", "stylo", "velo", "train", "bateau", "fusee", "avion",
    "camion", "tigre", "lion", "zebre", "cheval", "poney", "lapin", "souris", "chat", "chien",
]  # fmt: skip
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1
# 31**8 is about 8.5e11 codes: with 100,000 classes, a guess hits one in 8.5 million, hopeless
# at the throttled rate of /rejoindre/ (and joining is open only for a while, and waits for the
# teacher's approval). Codes of 6 characters made before stay valid until regenerated.
JOIN_CODE_LENGTH = 8
JOIN_CODE_GROUP = 4


def pseudonym_generate() -> str:
    return "-".join(
        [secrets.choice(ANIMALS), secrets.choice(COLOURS), f"{secrets.randbelow(90) + 10}"]
    )


def secret_generate() -> str:
    return f"{secrets.choice(WORDS)}-{secrets.choice(WORDS)}-{secrets.randbelow(90) + 10}"


def join_code_generate() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_normalise(value: str) -> str:
    """What a pupil types, made comparable: case and spaces or dashes do not matter."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def join_code_format(code: str) -> str:
    """A code as people read it: "K7PM-2XQR" (groups of four); older 6-character codes as is."""
    if len(code) != JOIN_CODE_LENGTH:
        return code
    return "-".join(code[i : i + JOIN_CODE_GROUP] for i in range(0, len(code), JOIN_CODE_GROUP))
