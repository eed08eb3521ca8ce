"""Industrial trades of the demo suppliers: NAF code, trade words for names, where they cluster.

Written for this project from general knowledge of French industry; the weights are rough
orders of magnitude, not statistics.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Grammatical gender and number of a trade word, for the regional adjective that may follow it.
M, F, MP, FP = "m", "f", "mp", "fp"


@dataclass(frozen=True, eq=False)
class Trade:
    naf_code: str
    weight: int
    words: tuple[tuple[str, str], ...]  # (« Décolletage », M)
    # Département code → multiplier of ``weight`` where the trade is concentrated.
    basins: dict[str, int] = field(default_factory=dict)


def _trade(naf_code: str, weight: int, words: list[tuple[str, str]], **basins: int) -> Trade:
    """``d74=14`` reads « fourteen times as frequent in Haute-Savoie (74) »."""
    return Trade(naf_code, weight, tuple(words), {key.removeprefix("d"): value for key, value in basins.items()})


TRADES: tuple[Trade, ...] = (
    # Metalworking (divisions 24-25), the bulk of French subcontracting.
    _trade("25.62A", 6, [("Décolletage", M), ("Décolletage de Précision", M)],
           d74=14, d73=3, d01=3, d39=3, d25=3, d42=2),
    _trade("25.62B", 16, [("Mécanique de Précision", F), ("Usinage", M), ("Mécanique Industrielle", F),
                          ("Usinage de Précision", M), ("Mécanique Générale", F)], d42=2, d31=2, d25=2, d08=2),
    _trade("25.11Z", 7, [("Constructions Métalliques", FP), ("Chaudronnerie", F), ("Charpente Métallique", F),
                         ("Chaudronnerie Industrielle", F)], d57=2, d59=2, d76=2),
    _trade("25.99B", 5, [("Tôlerie Industrielle", F), ("Tôlerie Fine", F), ("Métallerie", F)]),
    _trade("25.50A", 3, [("Forge", F), ("Forges", FP), ("Estampage", M), ("Matriçage", M)],
           d08=10, d42=3, d71=3, d63=2),
    _trade("25.50B", 3, [("Découpage-Emboutissage", M), ("Emboutissage", M), ("Découpage de Précision", M)],
           d25=3, d68=2, d39=2),
    _trade("25.61Z", 5, [("Traitement de Surface", M), ("Traitements Thermiques", MP), ("Galvanoplastie", F),
                         ("Thermolaquage", M)], d74=2, d69=2),
    _trade("25.73A", 2, [("Moules et Modèles", MP), ("Moules de Précision", MP)], d01=8, d39=4),
    _trade("25.73B", 3, [("Outillage", M), ("Outillages de Précision", MP)], d01=3, d42=2),
    _trade("25.93Z", 2, [("Ressorts", MP), ("Tréfilerie", F)], d74=3, d08=2),
    _trade("25.94Z", 1, [("Visserie", F), ("Boulonnerie", F)], d74=3, d08=3),
    _trade("25.71Z", 1, [("Coutellerie", F)], d63=25, d12=6),
    _trade("24.51Z", 1, [("Fonderie", F), ("Fonderies", FP)], d08=5, d57=3, d71=2),
    _trade("24.53Z", 1, [("Fonderie d'Aluminium", F), ("Fonderie Alu", F)], d69=2),
    _trade("24.33Z", 1, [("Profilage", M), ("Profilés Métalliques", MP)]),
    # Plastics and rubber (division 22).
    _trade("22.29A", 7, [("Plasturgie", F), ("Injection Plastique", F), ("Plastiques Techniques", MP),
                         ("Plasturgie de Précision", F)], d01=12, d39=5, d85=3, d49=2),
    _trade("22.21Z", 2, [("Extrusion", F), ("Profilés Plastiques", MP)], d01=3),
    _trade("22.22Z", 2, [("Emballages Plastiques", MP)], d01=2, d85=2),
    _trade("22.19Z", 2, [("Caoutchouc Technique", M), ("Élastomères", MP)], d63=4, d49=2),
    # Electronics and electrical equipment (divisions 26-27).
    _trade("26.12Z", 4, [("Électronique", F), ("Câblage Électronique", M), ("Cartes Électroniques", FP)],
           d38=3, d35=2, d49=3, d31=2, d37=2),
    _trade("26.11Z", 1, [("Composants Électroniques", MP), ("Microélectronique", F)], d38=6, d13=3),
    _trade("26.51B", 2, [("Instrumentation", F), ("Métrologie", F)], d25=3, d38=2),
    _trade("26.52Z", 1, [("Horlogerie", F), ("Microtechnique", F)], d25=12, d39=4),
    _trade("27.11Z", 2, [("Bobinage", M), ("Moteurs Électriques", MP)], d16=3),
    _trade("27.12Z", 2, [("Tableaux Électriques", MP), ("Appareillage Électrique", M)]),
    _trade("27.32Z", 1, [("Câblerie", F)], d62=2),
    # Machinery (division 28).
    _trade("28.15Z", 2, [("Engrenages", MP), ("Transmissions", FP)], d42=2),
    _trade("28.12Z", 2, [("Hydraulique", F), ("Pneumatique", F)], d38=2),
    _trade("28.22Z", 2, [("Levage et Manutention", M)]),
    _trade("28.29B", 4, [("Machines Spéciales", FP), ("Automatismes", MP)], d74=2, d69=2),
    _trade("28.41Z", 1, [("Machines-Outils", FP)], d74=3, d42=2),
    _trade("28.99B", 3, [("Robotique", F), ("Équipements Industriels", MP), ("Ingénierie Mécanique", F)]),
    _trade("28.93Z", 1, [("Machines Agroalimentaires", FP)], d29=3, d56=3, d49=2),
    # Vehicles and aerospace (divisions 29-30), repair and installation (33).
    _trade("29.32Z", 4, [("Équipements Automobiles", MP), ("Sous-Traitance Automobile", F)],
           d25=5, d90=4, d57=2, d59=3, d68=2, d78=2),
    _trade("30.30Z", 4, [("Aérostructures", FP), ("Aéronautique", F), ("Composites Aéronautiques", MP)],
           d31=14, d64=4, d65=4, d33=4, d46=5, d44=2, d13=2, d81=2),
    _trade("30.20Z", 1, [("Ferroviaire", M), ("Équipements Ferroviaires", MP)], d59=6, d67=3, d71=2),
    _trade("30.11Z", 1, [("Construction Navale", F)], d44=6, d56=4, d50=4, d29=3),
    _trade("33.16Z", 1, [("Maintenance Aéronautique", F)], d31=8, d33=3),
    _trade("33.12Z", 4, [("Maintenance Industrielle", F), ("Réparation Mécanique", F)]),
    _trade("33.20A", 2, [("Tuyauterie Industrielle", F), ("Installation Industrielle", F)], d76=3, d13=2),
    # Textiles (division 13).
    _trade("13.96Z", 2, [("Textiles Techniques", MP)], d42=5, d69=4, d59=3, d68=2),
    _trade("13.20Z", 2, [("Tissage", M), ("Tissages", MP)], d42=4, d69=3, d59=3, d88=4, d81=3),
    _trade("13.30Z", 1, [("Teinturerie", F), ("Ennoblissement Textile", M)], d69=3, d42=3),
    _trade("13.92Z", 1, [("Confection Technique", F)], d49=3, d85=2),
    # Food and drinks (divisions 10-11).
    _trade("10.13B", 2, [("Salaisons", FP), ("Charcuterie", F)], d15=6, d29=3, d22=3, d56=3, d85=2, d69=2),
    _trade("10.51C", 2, [("Fromagerie", F), ("Fromageries", FP)], d39=6, d25=5, d74=4, d73=4, d15=4, d14=3, d50=3),
    _trade("10.82Z", 1, [("Chocolaterie", F), ("Confiserie", F)], d69=2, d26=3),
    _trade("10.72Z", 1, [("Biscuiterie", F)], d44=4, d35=3),
    _trade("10.85Z", 1, [("Plats Cuisinés", MP)], d29=3, d85=3, d49=2),
    _trade("11.01Z", 1, [("Distillerie", F)], d16=6, d17=3, d25=2),
    # Chemistry and pharmacy (divisions 20-21).
    _trade("20.59Z", 2, [("Chimie Fine", F), ("Spécialités Chimiques", FP)], d69=4, d38=3, d76=3, d13=2),
    _trade("20.30Z", 1, [("Peintures Industrielles", FP)], d59=2),
    _trade("20.52Z", 1, [("Colles et Adhésifs", MP)]),
    _trade("20.42Z", 1, [("Cosmétique", F)], d28=4, d45=4, d06=3),
    _trade("21.20Z", 1, [("Laboratoires Pharmaceutiques", MP)], d69=3, d76=3, d45=3, d37=2),
    # Wood and paper (divisions 16-17), glass (23).
    _trade("16.10A", 2, [("Scierie", F), ("Scieries", FP)], d88=5, d39=4, d40=5, d23=3, d19=3),
    _trade("16.23Z", 2, [("Menuiserie Industrielle", F), ("Charpente Bois", F)], d85=2, d88=2),
    _trade("16.24Z", 1, [("Emballages Bois", MP)], d40=3, d88=2),
    _trade("17.21A", 1, [("Cartonnerie", F), ("Cartonnages", MP)]),
    _trade("23.19Z", 1, [("Verrerie Technique", F)], d76=3, d55=3),
    # Medical devices (32.50).
    _trade("32.50A", 3, [("Dispositifs Médicaux", MP), ("Instruments Chirurgicaux", MP), ("Orthopédie", F)],
           d25=5, d39=3, d52=8, d69=2, d38=2),
)

# Where demo suppliers are placed: population weight × région factor × département factor (in %).
# Industrial basins weigh more; Paris and the overseas départements weigh little for manufacturing.
REGION_FACTORS = {
    "84": 170,  # Auvergne-Rhône-Alpes
    "32": 150,  # Hauts-de-France
    "44": 150,  # Grand Est
    "52": 150,  # Pays de la Loire
    "28": 140,  # Normandie
    "76": 130,  # Occitanie
    "27": 150,  # Bourgogne-Franche-Comté
    "11": 60,   # Île-de-France
    "24": 100,  # Centre-Val de Loire
    "53": 110,  # Bretagne
    "75": 110,  # Nouvelle-Aquitaine
    "93": 50,   # Provence-Alpes-Côte d'Azur
    "94": 15,   # Corse
}
OVERSEAS_REGION_FACTOR = 4
INDUSTRIAL_REGIONS = frozenset({"84", "32", "44", "52", "28", "76", "27"})

DEPARTEMENT_FACTORS = {
    # Auvergne-Rhône-Alpes: Vallée de l'Arve, Saint-Étienne, Lyon, Oyonnax, Grenoble, Thiers.
    "74": 450, "42": 300, "69": 200, "01": 250, "38": 180, "63": 150, "73": 130,
    # Bourgogne-Franche-Comté: Jura, Pays de Montbéliard, Besançon, Le Creusot.
    "39": 250, "25": 230, "90": 200, "70": 150, "71": 180,
    # Grand Est: Ardennes forges, Lorraine, Alsace, Vosges.
    "08": 250, "57": 150, "54": 130, "88": 150, "67": 150, "68": 180, "52": 130,
    # Hauts-de-France.
    "59": 180, "62": 150, "60": 150, "02": 130, "80": 130,
    # Pays de la Loire: Vendée, Choletais, Sarthe, Mayenne, Nantes–Saint-Nazaire.
    "85": 250, "49": 180, "72": 180, "53": 150, "44": 150,
    # Normandie: vallée de la Seine, Eure, Orne, Cotentin.
    "76": 160, "27": 180, "61": 150, "50": 130, "14": 120,
    # Occitanie and Nouvelle-Aquitaine: Toulouse aerospace, Mecanic Vallée, Pau, Tarbes, Bordeaux.
    "31": 320, "46": 200, "12": 150, "81": 150, "65": 150, "64": 150, "33": 130,
    # Paris and its inner ring: head offices rather than workshops.
    "75": 20, "92": 50, "93": 70, "94": 60,
}
