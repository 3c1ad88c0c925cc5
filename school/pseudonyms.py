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
JOIN_CODE_LENGTH = 6


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
