"""Word lists for demo names and addresses, written for this project (no Faker: its data changes
between versions, and the demo must be identical for a given seed on every machine).

Every person and company that these lists produce is fictional.
"""
from __future__ import annotations

SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Fontaine", "Chevalier", "Robin", "Masson", "Gérard", "Boyer", "Denis",
    "Lemaire", "Duval", "Joly", "Roche", "Meyer", "Meunier", "Marchand", "Dufour", "Blanchard", "Barbier",
    "Brun", "Dumas", "Brunet", "Schmitt", "Colin", "Renard", "Arnaud", "Rolland", "Caron", "Aubert",
    "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Gaillard", "Lacroix", "Fabre", "Dupuis",
    "Olivier", "Hubert", "Guillot", "Rivière", "Le Gall", "Moulin", "Berger", "Lecomte", "Ménard", "Fleury",
    "Deschamps", "Carpentier", "Benoît", "Maillard", "Marchal", "Aubry", "Vasseur", "Jacquet", "Collet",
    "Prévost", "Poirier", "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Carré", "Rémy",
    "Schneider", "Perrot", "Guyot", "Marty", "Cousin", "Tissot", "Pernet", "Favre", "Bouvier", "Vuillermoz",
    "Grosjean", "Jacquemin", "Kieffer", "Lemaître", "Le Bihan", "Baudouin", "Chauvin", "Besson", "Peyrot",
)

# Regional adjective of a département, masculine and feminine singular: « Décolletage Savoyard ».
ADJECTIVES = {
    "73": ("Savoyard", "Savoyarde"), "74": ("Savoyard", "Savoyarde"),
    "42": ("Stéphanois", "Stéphanoise"), "69": ("Lyonnais", "Lyonnaise"),
    "38": ("Dauphinois", "Dauphinoise"), "26": ("Dauphinois", "Dauphinoise"),
    "01": ("Bressan", "Bressane"), "39": ("Jurassien", "Jurassienne"),
    "25": ("Comtois", "Comtoise"), "70": ("Comtois", "Comtoise"), "90": ("Belfortain", "Belfortaine"),
    "63": ("Auvergnat", "Auvergnate"), "15": ("Auvergnat", "Auvergnate"), "43": ("Auvergnat", "Auvergnate"),
    "03": ("Bourbonnais", "Bourbonnaise"),
    "21": ("Bourguignon", "Bourguignonne"), "58": ("Nivernais", "Nivernaise"),
    "71": ("Bourguignon", "Bourguignonne"), "89": ("Bourguignon", "Bourguignonne"),
    "54": ("Lorrain", "Lorraine"), "55": ("Lorrain", "Lorraine"), "57": ("Mosellan", "Mosellane"),
    "88": ("Vosgien", "Vosgienne"), "67": ("Alsacien", "Alsacienne"), "68": ("Alsacien", "Alsacienne"),
    "08": ("Ardennais", "Ardennaise"), "10": ("Champenois", "Champenoise"), "51": ("Champenois", "Champenoise"),
    "52": ("Haut-Marnais", "Haut-Marnaise"),
    "59": ("Nordiste", "Nordiste"), "62": ("Artésien", "Artésienne"), "80": ("Picard", "Picarde"),
    "60": ("Picard", "Picarde"), "02": ("Picard", "Picarde"),
    "85": ("Vendéen", "Vendéenne"), "49": ("Angevin", "Angevine"), "72": ("Manceau", "Mancelle"),
    "53": ("Mayennais", "Mayennaise"), "44": ("Ligérien", "Ligérienne"),
    "14": ("Normand", "Normande"), "27": ("Normand", "Normande"), "50": ("Normand", "Normande"),
    "61": ("Normand", "Normande"), "76": ("Normand", "Normande"),
    "22": ("Breton", "Bretonne"), "29": ("Breton", "Bretonne"), "35": ("Breton", "Bretonne"),
    "56": ("Breton", "Bretonne"),
    "31": ("Toulousain", "Toulousaine"), "12": ("Aveyronnais", "Aveyronnaise"), "81": ("Tarnais", "Tarnaise"),
    "46": ("Quercynois", "Quercynoise"), "65": ("Bigourdan", "Bigourdane"), "66": ("Catalan", "Catalane"),
    "30": ("Cévenol", "Cévenole"), "34": ("Languedocien", "Languedocienne"), "32": ("Gascon", "Gasconne"),
    "64": ("Béarnais", "Béarnaise"), "40": ("Landais", "Landaise"), "33": ("Girondin", "Girondine"),
    "16": ("Charentais", "Charentaise"), "17": ("Charentais", "Charentaise"), "86": ("Poitevin", "Poitevine"),
    "79": ("Poitevin", "Poitevine"), "87": ("Limousin", "Limousine"), "19": ("Limousin", "Limousine"),
    "37": ("Tourangeau", "Tourangelle"), "18": ("Berrichon", "Berrichonne"), "36": ("Berrichon", "Berrichonne"),
    "45": ("Orléanais", "Orléanaise"), "28": ("Beauceron", "Beauceronne"),
    "13": ("Provençal", "Provençale"), "83": ("Provençal", "Provençale"), "84": ("Provençal", "Provençale"),
    "04": ("Provençal", "Provençale"), "06": ("Niçois", "Niçoise"),
    "77": ("Briard", "Briarde"), "95": ("Francilien", "Francilienne"), "78": ("Francilien", "Francilienne"),
    "91": ("Francilien", "Francilienne"),
}

# A « pays » (traditional area) of a département, with its article: « Mécanique de Précision du Forez ».
PAYS = {
    "74": ("de la Vallée de l'Arve", "du Chablais", "du Genevois", "des Aravis"),
    "73": ("de Maurienne", "de Tarentaise", "de l'Avant-Pays Savoyard"),
    "42": ("du Forez", "du Pilat", "du Roannais", "du Gier"),
    "69": ("du Beaujolais", "des Monts du Lyonnais"),
    "01": ("du Bugey", "de la Dombes", "du Haut-Bugey", "du Pays de Gex"),
    "38": ("du Grésivaudan", "du Vercors", "du Nord-Isère"),
    "43": ("du Velay",), "63": ("des Combrailles", "du Livradois"), "15": ("de la Châtaigneraie",),
    "39": ("du Haut-Jura", "du Revermont", "de la Bresse Jurassienne"),
    "25": ("du Pays de Montbéliard", "du Haut-Doubs", "de la Vallée du Doubs"),
    "71": ("du Charolais", "du Creusot", "du Mâconnais", "de la Bresse"),
    "58": ("du Morvan",), "21": ("de l'Auxois",), "70": ("des Vosges Saônoises",),
    "88": ("des Vosges", "de la Vallée de la Moselotte"), "68": ("du Sundgau", "de la Vallée de la Thur"),
    "67": ("du Kochersberg", "d'Alsace du Nord"), "57": ("du Pays Haut", "de la Vallée de la Fensch"),
    "54": ("du Pays-Haut",), "08": ("de la Vallée de la Meuse", "des Crêtes Préardennaises"),
    "59": ("du Cambrésis", "du Hainaut", "de la Flandre", "de l'Avesnois", "de la Sambre"),
    "62": ("de l'Artois", "du Boulonnais", "du Ternois"), "80": ("du Vimeu", "du Santerre"),
    "60": ("du Valois", "du Beauvaisis"), "02": ("de la Thiérache", "du Soissonnais"),
    "85": ("du Bocage", "du Haut-Bocage"), "49": ("du Choletais", "des Mauges", "du Saumurois"),
    "72": ("du Perche Sarthois",), "53": ("du Pays de Laval",), "44": ("de l'Estuaire", "du Pays de Retz"),
    "76": ("du Pays de Caux", "du Pays de Bray", "de la Vallée de la Bresle"),
    "27": ("du Vexin Normand", "du Pays d'Ouche"), "61": ("du Perche", "du Pays d'Argentan"),
    "50": ("du Cotentin", "de la Hague"), "14": ("du Pays d'Auge", "du Bessin"),
    "31": ("du Lauragais", "du Comminges"), "46": ("du Quercy", "du Ségala"), "12": ("du Rouergue",),
    "81": ("de l'Albigeois",), "65": ("de Bigorre",), "64": ("du Béarn", "du Pays Basque"),
    "33": ("du Médoc",), "40": ("des Landes de Gascogne",), "19": ("de Corrèze",),
    "28": ("de la Beauce",), "41": ("de Sologne",), "37": ("de Touraine",),
}

STREET_TYPES = (
    ("rue", 12), ("avenue", 4), ("allée", 3), ("chemin", 2), ("route", 2), ("boulevard", 1), ("impasse", 1),
)
STREET_NAMES = (
    "de l'Industrie", "des Artisans", "Jean Jaurès", "du Stade", "de la Gare", "Pasteur", "Victor Hugo",
    "des Forges", "du Moulin", "de la République", "de l'Usine", "des Tanneurs", "des Tisserands",
    "Gustave Eiffel", "Denis Papin", "Marie Curie", "Ampère", "Louis Lumière", "Blaise Pascal", "Émile Zola",
    "du 8 Mai 1945", "des Frères Lumière", "Eugène Schneider", "de la Mécanique", "des Fondeurs",
    "des Platanes", "du Général de Gaulle", "Jean Moulin", "de la Paix", "des Prés", "du Lavoir",
    "Nicéphore Niépce", "Louis Blériot", "Clément Ader", "Joseph-Marie Jacquard", "des Compagnons",
    "de l'Avenir", "des Entrepreneurs", "du Commerce", "des Vignes", "de la Plaine", "Henri Becquerel",
    "Paul Langevin", "Irène Joliot-Curie", "Sadi Carnot", "Thomas Edison", "des Bâtisseurs", "du Canal",
)
BUSINESS_PARKS = (
    "ZI des Grands Prés", "ZA du Moulin", "Parc d'activités de la Plaine", "ZI Nord", "ZI Sud",
    "ZA des Vernes", "Parc d'activités des Portes de l'Industrie", "ZI de la Croix Blanche", "ZA Les Bruyères",
    "Technopôle", "ZA du Pré de la Dame", "ZI Les Marais", "Parc d'activités du Chêne", "ZA des Châtaigniers",
)

# Size band → legal forms (weights). EURL and SASU are single-shareholder forms of small firms.
LEGAL_FORMS = {
    "micro": (("SARL", 45), ("SAS", 30), ("EURL", 15), ("SASU", 10)),
    "small": (("SAS", 55), ("SARL", 40), ("SA", 5)),
    "medium": (("SAS", 75), ("SA", 15), ("SARL", 10)),
    "eti": (("SAS", 60), ("SA", 40)),
    "large": (("SA", 60), ("SAS", 40)),
}
SUPPLIER_SIZE_BANDS = (("micro", 28), ("small", 44), ("medium", 22), ("eti", 6))

# Fictional prime contractors: (name, NAF code, département of the head office).
PRIME_CONTRACTORS = (
    ("Aérostructures Garonne Industries", "30.30Z", "31"),
    ("Ferrovia Matériel Roulant", "30.20Z", "59"),
    ("Automobiles Valmorel", "29.10Z", "25"),
    ("Chantiers Navals de l'Estuaire Réunis", "30.11Z", "44"),
    ("Énergies Céladon", "35.11Z", "69"),
    ("Hexagone Systèmes de Défense", "30.40Z", "18"),
    ("Laboratoires Pharmacelys", "21.20Z", "69"),
    ("Agrodis Cuisine Industrielle", "10.85Z", "35"),
    ("Cosmétiques Belvédère de Loire", "20.42Z", "45"),
    ("Turbomoteurs de l'Adour", "30.30Z", "64"),
    ("Électrotechnique Rhodanienne", "27.11Z", "69"),
    ("Atomis Ingénierie Nucléaire", "71.12B", "50"),
    ("Machines Agricoles Beauceronnes", "28.30Z", "28"),
    ("Poids Lourds Verdelet", "29.10Z", "69"),
    ("Orbitech Lanceurs", "30.30Z", "33"),
    ("Aciéries Mosellanes Réunies", "24.10Z", "57"),
    ("Verreries Cristallines d'Argonne", "23.13Z", "55"),
    ("Pneumatiques Arvernes", "22.11Z", "63"),
    ("Équipementiers Réunis du Doubs", "29.32Z", "25"),
    ("Électroménager Savoie-Léman", "27.51Z", "74"),
    ("Hydrodyne Alpes", "28.12Z", "38"),
    ("Biscuiteries Nantaises Associées", "10.72Z", "44"),
    ("Tramways et Trains d'Alsace", "30.20Z", "67"),
    ("Semiconducteurs du Dauphiné", "26.11Z", "38"),
)
# Beyond the hand-written list, buyers are named « {root}{ending} {activity} ».
BUYER_ROOTS = (
    "Aéro", "Ferro", "Navi", "Électro", "Thermo", "Hydro", "Agro", "Chimi", "Astro", "Hélio", "Métal",
    "Volta", "Cryo", "Turbo", "Opti", "Sidéro", "Magné", "Cinéti", "Pyro", "Dyna",
)
BUYER_ENDINGS = ("lys", "vance", "dyne", "nova", "mat", "flex", "gène", "ria", "tis", "line", "ska", "ron")
BUYER_ACTIVITIES = (
    ("Industries", "28.99B"), ("Systèmes", "30.30Z"), ("Énergie", "35.11Z"), ("Mobilité", "29.10Z"),
    ("Équipements", "28.29B"), ("Défense", "30.40Z"), ("Santé", "32.50A"), ("Alimentaire", "10.85Z"),
    ("Ferroviaire", "30.20Z"), ("Naval", "30.11Z"), ("Électronique", "26.30Z"), ("Chimie", "20.59Z"),
)
BUYER_SIZE_BANDS = (("eti", 40), ("large", 60))

# Fictional clusters and competitiveness poles: (name, région, département of the secretariat).
CLUSTERS = (
    ("Cluster Mécanique Auvergne-Rhône-Alpes (fictif)", "84", "42"),
    ("Pôle Décolletage de la Vallée de l'Arve (fictif)", "84", "74"),
    ("Cluster Aéronautique Occitanie (fictif)", "76", "31"),
    ("Pôle Plasturgie Pays de la Loire (fictif)", "52", "85"),
    ("Cluster Industrie du Futur Hauts-de-France (fictif)", "32", "59"),
    ("Pôle Métallurgie Grand Est (fictif)", "44", "57"),
    ("Cluster Microtechniques Bourgogne-Franche-Comté (fictif)", "27", "25"),
    ("Pôle Textiles Techniques Normandie (fictif)", "28", "76"),
)
CLUSTER_KINDS = ("Cluster", "Pôle", "Réseau")
CLUSTER_SECTORS = (
    "Mécanique", "Plasturgie", "Aéronautique", "Métallurgie", "Électronique", "Textiles Techniques",
    "Agroalimentaire", "Santé et Dispositifs Médicaux", "Bois et Forêt", "Chimie Verte", "Robotique",
)
CLUSTER_NAF_CODE = "94.99Z"
CLUSTER_SIZE_BANDS = (("micro", 70), ("small", 30))


def adjective(departement: str, gender: str) -> str | None:
    """The département's adjective agreed with a trade word of ``gender`` (m, f, mp, fp)."""
    forms = ADJECTIVES.get(departement)
    if forms is None:
        return None
    word = forms[1] if gender.startswith("f") else forms[0]
    if gender.endswith("p"):
        if word.endswith("eau"):
            return word + "x"
        if not word.endswith(("s", "x")):
            return word + "s"
    return word


def of_place(name: str) -> str:
    """« de » before a place name, with French elision and contraction: d'Oyonnax, du Creusot."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1] in "AEIOUYÉÈÊÂÎÔH" and not name.startswith(("Ha", "He", "Ho", "Hu", "Hy")):
        return "d'" + name
    return "de " + name
