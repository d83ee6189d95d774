"""Static English and Welsh geography: regions, police-force areas, towns, prisons.

Coordinates are approximate town centres (good to a kilometre or two); weights
are rough population in tens of thousands and drive where people and venues go.
"""

from __future__ import annotations

from typing import NamedTuple


class Town(NamedTuple):
    """A town centre with a population weight and postcode area."""

    name: str
    lat: float
    lon: float
    weight: float
    postcode: str


class Prison(NamedTuple):
    """A real prison establishment (approximate location)."""

    name: str
    lat: float
    lon: float


class Force(NamedTuple):
    """A police-force area inside a region."""

    key: str
    name: str
    region: str
    towns: tuple[Town, ...]
    prisons: tuple[Prison, ...]


T = Town
P = Prison

REGIONS: dict[str, str] = {
    "north_east": "North East",
    "north_west": "North West",
    "yorkshire": "Yorkshire and the Humber",
    "east_midlands": "East Midlands",
    "west_midlands": "West Midlands",
    "east": "East of England",
    "london": "London",
    "south_east": "South East",
    "south_west": "South West",
    "wales": "Wales",
}

# Relative weight of minority-ethnic name groups per region (1.0 = national mix).
DIVERSITY: dict[str, float] = {
    "north_east": 0.3, "north_west": 1.2, "yorkshire": 1.3, "east_midlands": 1.3,
    "west_midlands": 1.8, "east": 0.8, "london": 3.0, "south_east": 0.8,
    "south_west": 0.35, "wales": 0.4,
}

FORCES: tuple[Force, ...] = (
    Force("northumbria", "Northumbria", "north_east", (
        T("Newcastle upon Tyne", 54.978, -1.617, 30, "NE"), T("Sunderland", 54.906, -1.383, 17, "SR"),
        T("Gateshead", 54.953, -1.603, 12, "NE"), T("South Shields", 54.999, -1.433, 8, "NE"),
        T("North Shields", 55.017, -1.449, 5, "NE"), T("Blyth", 55.127, -1.508, 4, "NE"),
        T("Washington", 54.900, -1.520, 5, "NE"), T("Ashington", 55.181, -1.568, 3, "NE"),
    ), (P("Northumberland", 55.323, -1.617),)),
    Force("durham", "Durham", "north_east", (
        T("Durham", 54.776, -1.575, 5, "DH"), T("Darlington", 54.524, -1.553, 9, "DL"),
        T("Chester-le-Street", 54.858, -1.574, 2, "DH"), T("Consett", 54.854, -1.832, 2, "DH"),
        T("Bishop Auckland", 54.664, -1.677, 2, "DL"), T("Peterlee", 54.760, -1.337, 2, "SR"),
    ), (P("Durham", 54.772, -1.570), P("Frankland", 54.797, -1.557))),
    Force("cleveland", "Cleveland", "north_east", (
        T("Middlesbrough", 54.576, -1.235, 14, "TS"), T("Stockton-on-Tees", 54.570, -1.318, 8, "TS"),
        T("Hartlepool", 54.686, -1.212, 9, "TS"), T("Redcar", 54.617, -1.070, 4, "TS"),
        T("Billingham", 54.606, -1.290, 3, "TS"),
    ), (P("Holme House", 54.565, -1.290),)),
    Force("greater_manchester", "Greater Manchester", "north_west", (
        T("Manchester", 53.481, -2.242, 55, "M"), T("Salford", 53.488, -2.291, 25, "M"),
        T("Bolton", 53.578, -2.429, 19, "BL"), T("Stockport", 53.408, -2.149, 14, "SK"),
        T("Oldham", 53.541, -2.117, 10, "OL"), T("Rochdale", 53.616, -2.155, 11, "OL"),
        T("Wigan", 53.545, -2.632, 10, "WN"), T("Bury", 53.593, -2.298, 8, "BL"),
        T("Ashton-under-Lyne", 53.489, -2.095, 5, "OL"), T("Altrincham", 53.387, -2.348, 5, "WA"),
        T("Leigh", 53.497, -2.517, 4, "WN"),
    ), (P("Manchester", 53.492, -2.246), P("Forest Bank", 53.508, -2.303))),
    Force("merseyside", "Merseyside", "north_west", (
        T("Liverpool", 53.408, -2.992, 50, "L"), T("Birkenhead", 53.389, -3.024, 14, "CH"),
        T("St Helens", 53.453, -2.737, 10, "WA"), T("Southport", 53.645, -3.010, 9, "PR"),
        T("Bootle", 53.447, -2.989, 5, "L"), T("Kirkby", 53.481, -2.892, 4, "L"),
        T("Wallasey", 53.423, -3.065, 6, "CH"), T("Huyton", 53.411, -2.843, 4, "L"),
    ), (P("Liverpool", 53.452, -2.973), P("Altcourse", 53.479, -2.958))),
    Force("lancashire", "Lancashire", "north_west", (
        T("Preston", 53.763, -2.703, 14, "PR"), T("Blackpool", 53.817, -3.036, 14, "FY"),
        T("Blackburn", 53.748, -2.482, 12, "BB"), T("Burnley", 53.789, -2.240, 7, "BB"),
        T("Lancaster", 54.047, -2.801, 5, "LA"), T("Accrington", 53.753, -2.364, 4, "BB"),
        T("Chorley", 53.653, -2.632, 3, "PR"), T("Morecambe", 54.068, -2.870, 3, "LA"),
    ), (P("Preston", 53.763, -2.693), P("Lancaster Farms", 54.046, -2.768))),
    Force("cheshire", "Cheshire", "north_west", (
        T("Warrington", 53.390, -2.597, 20, "WA"), T("Chester", 53.193, -2.893, 8, "CH"),
        T("Crewe", 53.099, -2.441, 7, "CW"), T("Widnes", 53.362, -2.734, 6, "WA"),
        T("Runcorn", 53.342, -2.730, 6, "WA"), T("Macclesfield", 53.259, -2.125, 5, "SK"),
        T("Ellesmere Port", 53.279, -2.897, 5, "CH"), T("Northwich", 53.259, -2.518, 4, "CW"),
    ), (P("Risley", 53.420, -2.520), P("Styal", 53.345, -2.242))),
    Force("cumbria", "Cumbria", "north_west", (
        T("Carlisle", 54.891, -2.933, 7, "CA"), T("Barrow-in-Furness", 54.111, -3.226, 6, "LA"),
        T("Kendal", 54.328, -2.746, 3, "LA"), T("Workington", 54.643, -3.543, 3, "CA"),
        T("Whitehaven", 54.549, -3.587, 2, "CA"),
    ), (P("Haverigg", 54.198, -3.303),)),
    Force("west_yorkshire", "West Yorkshire", "yorkshire", (
        T("Leeds", 53.801, -1.549, 50, "LS"), T("Bradford", 53.796, -1.759, 35, "BD"),
        T("Huddersfield", 53.646, -1.785, 14, "HD"), T("Wakefield", 53.683, -1.499, 10, "WF"),
        T("Halifax", 53.722, -1.864, 9, "HX"), T("Dewsbury", 53.691, -1.633, 6, "WF"),
        T("Keighley", 53.867, -1.911, 5, "BD"), T("Castleford", 53.725, -1.362, 4, "WF"),
        T("Batley", 53.703, -1.634, 4, "WF"),
    ), (P("Leeds", 53.795, -1.589), P("Wakefield", 53.688, -1.510), P("New Hall", 53.639, -1.574))),
    Force("south_yorkshire", "South Yorkshire", "yorkshire", (
        T("Sheffield", 53.381, -1.470, 55, "S"), T("Doncaster", 53.523, -1.128, 11, "DN"),
        T("Rotherham", 53.430, -1.357, 11, "S"), T("Barnsley", 53.553, -1.479, 9, "S"),
    ), (P("Doncaster", 53.519, -1.142), P("Lindholme", 53.540, -0.983))),
    Force("north_yorkshire", "North Yorkshire", "yorkshire", (
        T("York", 53.960, -1.087, 20, "YO"), T("Harrogate", 53.992, -1.541, 7, "HG"),
        T("Scarborough", 54.283, -0.400, 6, "YO"), T("Selby", 53.784, -1.067, 2, "YO"),
        T("Northallerton", 54.339, -1.433, 2, "DL"), T("Skipton", 53.962, -2.016, 2, "BD"),
    ), (P("Full Sutton", 53.981, -0.862),)),
    Force("humberside", "Humberside", "yorkshire", (
        T("Hull", 53.745, -0.336, 26, "HU"), T("Grimsby", 53.567, -0.080, 9, "DN"),
        T("Scunthorpe", 53.589, -0.651, 8, "DN"), T("Bridlington", 54.083, -0.192, 4, "YO"),
        T("Beverley", 53.842, -0.430, 3, "HU"), T("Goole", 53.703, -0.876, 2, "DN"),
    ), (P("Hull", 53.747, -0.296), P("Humber", 53.745, -0.660))),
    Force("nottinghamshire", "Nottinghamshire", "east_midlands", (
        T("Nottingham", 52.954, -1.158, 33, "NG"), T("Mansfield", 53.143, -1.196, 10, "NG"),
        T("Newark-on-Trent", 53.077, -0.809, 4, "NG"), T("Worksop", 53.302, -1.124, 4, "S"),
        T("Beeston", 52.926, -1.215, 4, "NG"), T("Arnold", 52.999, -1.129, 4, "NG"),
    ), (P("Nottingham", 52.979, -1.157), P("Lowdham Grange", 53.017, -1.013))),
    Force("derbyshire", "Derbyshire", "east_midlands", (
        T("Derby", 52.922, -1.476, 26, "DE"), T("Chesterfield", 53.235, -1.421, 10, "S"),
        T("Ilkeston", 52.970, -1.309, 4, "DE"), T("Swadlincote", 52.774, -1.557, 3, "DE"),
        T("Buxton", 53.258, -1.910, 2, "SK"), T("Glossop", 53.443, -1.949, 3, "SK"),
        T("Long Eaton", 52.898, -1.271, 4, "NG"),
    ), (P("Foston Hall", 52.870, -1.723),)),
    Force("leicestershire", "Leicestershire", "east_midlands", (
        T("Leicester", 52.637, -1.135, 35, "LE"), T("Loughborough", 52.772, -1.206, 6, "LE"),
        T("Hinckley", 52.541, -1.373, 4, "LE"), T("Coalville", 52.722, -1.370, 3, "LE"),
        T("Melton Mowbray", 52.766, -0.887, 3, "LE"), T("Wigston", 52.588, -1.104, 3, "LE"),
    ), (P("Leicester", 52.629, -1.131), P("Gartree", 52.493, -0.960))),
    Force("lincolnshire", "Lincolnshire", "east_midlands", (
        T("Lincoln", 53.234, -0.538, 10, "LN"), T("Grantham", 52.912, -0.642, 4, "NG"),
        T("Boston", 52.976, -0.026, 4, "PE"), T("Spalding", 52.787, -0.153, 3, "PE"),
        T("Skegness", 53.144, 0.336, 2, "PE"), T("Gainsborough", 53.399, -0.776, 2, "DN"),
    ), (P("Lincoln", 53.235, -0.522),)),
    Force("northamptonshire", "Northamptonshire", "east_midlands", (
        T("Northampton", 52.240, -0.903, 22, "NN"), T("Kettering", 52.398, -0.726, 6, "NN"),
        T("Corby", 52.488, -0.701, 6, "NN"), T("Wellingborough", 52.303, -0.694, 5, "NN"),
        T("Daventry", 52.257, -1.163, 3, "NN"),
    ), (P("Five Wells", 52.295, -0.701), P("Onley", 52.322, -1.239))),
    Force("west_midlands", "West Midlands", "west_midlands", (
        T("Birmingham", 52.486, -1.890, 110, "B"), T("Coventry", 52.407, -1.508, 35, "CV"),
        T("Wolverhampton", 52.587, -2.129, 25, "WV"), T("Walsall", 52.586, -1.982, 17, "WS"),
        T("Solihull", 52.412, -1.778, 10, "B"), T("Sutton Coldfield", 52.563, -1.822, 9, "B"),
        T("West Bromwich", 52.519, -1.995, 8, "B"), T("Dudley", 52.512, -2.081, 8, "DY"),
        T("Stourbridge", 52.456, -2.148, 6, "DY"), T("Halesowen", 52.449, -2.050, 6, "B"),
        T("Smethwick", 52.492, -1.968, 5, "B"), T("Bilston", 52.566, -2.073, 3, "WV"),
    ), (P("Birmingham", 52.4986, -1.9385),)),
    Force("staffordshire", "Staffordshire", "west_midlands", (
        T("Stoke-on-Trent", 53.003, -2.180, 26, "ST"), T("Stafford", 52.806, -2.117, 7, "ST"),
        T("Tamworth", 52.633, -1.695, 8, "B"), T("Burton upon Trent", 52.803, -1.637, 7, "DE"),
        T("Newcastle-under-Lyme", 53.011, -2.228, 8, "ST"), T("Cannock", 52.691, -2.031, 6, "WS"),
        T("Lichfield", 52.682, -1.829, 3, "WS"), T("Leek", 53.105, -2.025, 2, "ST"),
    ), (P("Oakwood", 52.653, -2.101), P("Stafford", 52.812, -2.124), P("Dovegate", 52.853, -1.781),
        P("Swinfen Hall", 52.656, -1.790))),
    Force("warwickshire", "Warwickshire", "west_midlands", (
        T("Nuneaton", 52.523, -1.468, 9, "CV"), T("Rugby", 52.370, -1.265, 7, "CV"),
        T("Leamington Spa", 52.292, -1.537, 5, "CV"), T("Warwick", 52.283, -1.585, 3, "CV"),
        T("Stratford-upon-Avon", 52.192, -1.707, 3, "CV"), T("Bedworth", 52.479, -1.469, 3, "CV"),
    ), (P("Rye Hill", 52.326, -1.230),)),
    Force("west_mercia", "West Mercia", "west_midlands", (
        T("Telford", 52.678, -2.445, 15, "TF"), T("Worcester", 52.192, -2.220, 10, "WR"),
        T("Redditch", 52.309, -1.945, 8, "B"), T("Shrewsbury", 52.708, -2.754, 7, "SY"),
        T("Hereford", 52.057, -2.716, 6, "HR"), T("Kidderminster", 52.388, -2.250, 6, "DY"),
        T("Bromsgrove", 52.335, -2.061, 3, "B"), T("Evesham", 52.092, -1.947, 2, "WR"),
    ), (P("Hewell", 52.316, -1.990), P("Long Lartin", 52.105, -1.860), P("Stoke Heath", 52.870, -2.525))),
    Force("essex", "Essex", "east", (
        T("Southend-on-Sea", 51.538, 0.714, 18, "SS"), T("Colchester", 51.890, 0.903, 13, "CO"),
        T("Chelmsford", 51.736, 0.469, 11, "CM"), T("Basildon", 51.576, 0.488, 11, "SS"),
        T("Harlow", 51.773, 0.103, 8, "CM"), T("Braintree", 51.878, 0.553, 5, "CM"),
        T("Clacton-on-Sea", 51.789, 1.156, 5, "CO"), T("Brentwood", 51.621, 0.305, 5, "CM"),
    ), (P("Chelmsford", 51.740, 0.484),)),
    Force("hertfordshire", "Hertfordshire", "east", (
        T("Watford", 51.656, -0.390, 9, "WD"), T("Stevenage", 51.903, -0.202, 9, "SG"),
        T("Hemel Hempstead", 51.753, -0.448, 9, "HP"), T("St Albans", 51.752, -0.336, 6, "AL"),
        T("Welwyn Garden City", 51.801, -0.206, 5, "AL"),
    ), (P("The Mount", 51.749, -0.512),)),
    Force("bedfordshire", "Bedfordshire", "east", (
        T("Luton", 51.879, -0.418, 21, "LU"), T("Bedford", 52.136, -0.460, 10, "MK"),
        T("Dunstable", 51.886, -0.521, 4, "LU"), T("Leighton Buzzard", 51.917, -0.662, 3, "LU"),
    ), (P("Bedford", 52.139, -0.469),)),
    Force("cambridgeshire", "Cambridgeshire", "east", (
        T("Peterborough", 52.573, -0.241, 20, "PE"), T("Cambridge", 52.205, 0.122, 14, "CB"),
        T("Huntingdon", 52.331, -0.183, 3, "PE"), T("Wisbech", 52.666, 0.159, 3, "PE"),
        T("St Neots", 52.228, -0.270, 3, "PE"), T("Ely", 52.399, 0.262, 2, "CB"),
    ), (P("Peterborough", 52.563, -0.263), P("Whitemoor", 52.573, 0.070), P("Littlehey", 52.294, -0.308))),
    Force("norfolk", "Norfolk", "east", (
        T("Norwich", 52.630, 1.297, 14, "NR"), T("Great Yarmouth", 52.608, 1.730, 4, "NR"),
        T("King's Lynn", 52.754, 0.397, 4, "PE"), T("Thetford", 52.413, 0.750, 2, "IP"),
    ), (P("Norwich", 52.640, 1.320), P("Wayland", 52.556, 0.863))),
    Force("suffolk", "Suffolk", "east", (
        T("Ipswich", 52.057, 1.148, 14, "IP"), T("Lowestoft", 52.475, 1.750, 6, "NR"),
        T("Bury St Edmunds", 52.246, 0.711, 4, "IP"), T("Haverhill", 52.083, 0.439, 3, "CB"),
        T("Felixstowe", 51.962, 1.351, 2, "IP"),
    ), (P("Highpoint", 52.130, 0.543),)),
    Force("metropolitan", "Metropolitan Police", "london", (
        T("Westminster", 51.497, -0.137, 20, "SW"), T("Camden Town", 51.539, -0.143, 20, "NW"),
        T("Islington", 51.538, -0.099, 20, "N"), T("Hackney", 51.545, -0.055, 25, "E"),
        T("Stratford", 51.542, -0.003, 25, "E"), T("Croydon", 51.372, -0.100, 35, "CR"),
        T("Brixton", 51.462, -0.115, 25, "SW"), T("Lewisham", 51.452, -0.018, 28, "SE"),
        T("Woolwich", 51.490, 0.069, 25, "SE"), T("Ilford", 51.559, 0.074, 28, "IG"),
        T("Romford", 51.576, 0.183, 22, "RM"), T("Enfield", 51.652, -0.081, 30, "EN"),
        T("Tottenham", 51.588, -0.072, 25, "N"), T("Wembley", 51.553, -0.297, 30, "HA"),
        T("Ealing", 51.513, -0.305, 33, "W"), T("Hounslow", 51.468, -0.361, 27, "TW"),
        T("Uxbridge", 51.546, -0.478, 28, "UB"), T("Kingston upon Thames", 51.412, -0.301, 17, "KT"),
        T("Wimbledon", 51.421, -0.206, 20, "SW"), T("Bromley", 51.406, 0.015, 32, "BR"),
        T("Barnet", 51.650, -0.200, 38, "EN"), T("Harrow", 51.580, -0.334, 25, "HA"),
        T("Hammersmith", 51.492, -0.223, 18, "W"), T("Walthamstow", 51.584, -0.021, 27, "E"),
        T("Barking", 51.536, 0.081, 21, "IG"), T("Sutton", 51.361, -0.194, 20, "SM"),
        T("Bexleyheath", 51.456, 0.142, 24, "DA"), T("Richmond", 51.461, -0.303, 19, "TW"),
    ), (P("Pentonville", 51.545, -0.116), P("Wandsworth", 51.451, -0.178), P("Brixton", 51.452, -0.125),
        P("Belmarsh", 51.497, 0.094), P("Thameside", 51.499, 0.097), P("Wormwood Scrubs", 51.517, -0.240),
        P("Feltham", 51.441, -0.425))),
    Force("kent", "Kent", "south_east", (
        T("Maidstone", 51.272, 0.529, 11, "ME"), T("Gillingham", 51.389, 0.549, 10, "ME"),
        T("Chatham", 51.378, 0.527, 8, "ME"), T("Dartford", 51.446, 0.219, 8, "DA"),
        T("Ashford", 51.146, 0.875, 7, "TN"), T("Canterbury", 51.280, 1.080, 6, "CT"),
        T("Margate", 51.389, 1.386, 6, "CT"), T("Tunbridge Wells", 51.132, 0.263, 6, "TN"),
        T("Gravesend", 51.441, 0.370, 6, "DA"), T("Folkestone", 51.081, 1.166, 5, "CT"),
        T("Sittingbourne", 51.340, 0.731, 5, "ME"), T("Dover", 51.126, 1.314, 3, "CT"),
    ), (P("Maidstone", 51.278, 0.523), P("Elmley", 51.410, 0.808), P("Rochester", 51.366, 0.488))),
    Force("sussex", "Sussex", "south_east", (
        T("Brighton", 50.822, -0.137, 29, "BN"), T("Crawley", 51.109, -0.187, 11, "RH"),
        T("Worthing", 50.817, -0.372, 11, "BN"), T("Eastbourne", 50.768, 0.290, 10, "BN"),
        T("Hastings", 50.855, 0.573, 9, "TN"), T("Bognor Regis", 50.783, -0.676, 6, "PO"),
        T("Horsham", 51.063, -0.327, 5, "RH"), T("Chichester", 50.837, -0.779, 3, "PO"),
    ), (P("Lewes", 50.874, -0.024), P("Ford", 50.823, -0.590))),
    Force("surrey", "Surrey", "south_east", (
        T("Woking", 51.319, -0.558, 10, "GU"), T("Guildford", 51.236, -0.570, 8, "GU"),
        T("Staines-upon-Thames", 51.434, -0.511, 5, "TW"), T("Epsom", 51.334, -0.267, 4, "KT"),
        T("Redhill", 51.240, -0.170, 4, "RH"), T("Camberley", 51.337, -0.742, 4, "GU"),
    ), (P("Coldingley", 51.322, -0.618), P("Send", 51.283, -0.512))),
    Force("thames_valley", "Thames Valley", "south_east", (
        T("Milton Keynes", 52.041, -0.760, 25, "MK"), T("Reading", 51.454, -0.978, 23, "RG"),
        T("Slough", 51.511, -0.595, 16, "SL"), T("Oxford", 51.752, -1.258, 15, "OX"),
        T("High Wycombe", 51.629, -0.749, 12, "HP"), T("Aylesbury", 51.816, -0.812, 8, "HP"),
        T("Bracknell", 51.416, -0.750, 8, "RG"), T("Maidenhead", 51.522, -0.719, 7, "SL"),
        T("Banbury", 52.063, -1.340, 5, "OX"), T("Newbury", 51.401, -1.323, 4, "RG"),
    ), (P("Bullingdon", 51.866, -1.131), P("Woodhill", 52.020, -0.789))),
    Force("hampshire", "Hampshire and Isle of Wight", "south_east", (
        T("Southampton", 50.910, -1.404, 25, "SO"), T("Portsmouth", 50.820, -1.088, 21, "PO"),
        T("Basingstoke", 51.266, -1.087, 11, "RG"), T("Gosport", 50.795, -1.125, 8, "PO"),
        T("Eastleigh", 50.969, -1.350, 6, "SO"), T("Havant", 50.856, -0.980, 5, "PO"),
        T("Winchester", 51.063, -1.308, 4, "SO"), T("Aldershot", 51.248, -0.763, 4, "GU"),
        T("Andover", 51.211, -1.492, 4, "SP"), T("Newport (Isle of Wight)", 50.701, -1.290, 3, "PO"),
    ), (P("Winchester", 51.068, -1.325), P("Isle of Wight", 50.718, -1.300))),
    Force("avon_somerset", "Avon and Somerset", "south_west", (
        T("Bristol", 51.455, -2.588, 45, "BS"), T("Bath", 51.381, -2.359, 9, "BA"),
        T("Weston-super-Mare", 51.346, -2.977, 8, "BS"), T("Taunton", 51.015, -3.106, 6, "TA"),
        T("Yeovil", 50.942, -2.633, 5, "BA"), T("Bridgwater", 51.128, -3.003, 4, "TA"),
        T("Frome", 51.228, -2.321, 3, "BA"),
    ), (P("Bristol", 51.478, -2.587), P("Leyhill", 51.622, -2.444))),
    Force("devon_cornwall", "Devon and Cornwall", "south_west", (
        T("Plymouth", 50.376, -4.143, 26, "PL"), T("Exeter", 50.718, -3.534, 13, "EX"),
        T("Torquay", 50.462, -3.525, 7, "TQ"), T("Paignton", 50.435, -3.567, 5, "TQ"),
        T("Newton Abbot", 50.529, -3.611, 3, "TQ"), T("Exmouth", 50.620, -3.413, 3, "EX"),
        T("Barnstaple", 51.080, -4.058, 3, "EX"), T("Truro", 50.263, -5.051, 2, "TR"),
        T("Camborne", 50.213, -5.301, 2, "TR"), T("St Austell", 50.339, -4.790, 2, "PL"),
        T("Penzance", 50.119, -5.537, 2, "TR"),
    ), (P("Exeter", 50.728, -3.535), P("Channings Wood", 50.503, -3.660), P("Dartmoor", 50.549, -3.996))),
    Force("dorset", "Dorset", "south_west", (
        T("Bournemouth", 50.720, -1.880, 19, "BH"), T("Poole", 50.715, -1.987, 15, "BH"),
        T("Weymouth", 50.608, -2.455, 5, "DT"), T("Christchurch", 50.735, -1.778, 3, "BH"),
        T("Dorchester", 50.715, -2.437, 2, "DT"),
    ), (P("The Verne", 50.558, -2.437), P("Guys Marsh", 50.993, -2.194))),
    Force("wiltshire", "Wiltshire", "south_west", (
        T("Swindon", 51.558, -1.782, 18, "SN"), T("Salisbury", 51.069, -1.795, 4, "SP"),
        T("Chippenham", 51.458, -2.116, 4, "SN"), T("Trowbridge", 51.318, -2.208, 3, "BA"),
    ), (P("Erlestoke", 51.285, -2.045),)),
    Force("gloucestershire", "Gloucestershire", "south_west", (
        T("Gloucester", 51.864, -2.244, 13, "GL"), T("Cheltenham", 51.899, -2.078, 11, "GL"),
        T("Stroud", 51.745, -2.217, 3, "GL"), T("Tewkesbury", 51.992, -2.160, 2, "GL"),
    ), (P("Eastwood Park", 51.628, -2.478),)),
    Force("south_wales", "South Wales", "wales", (
        T("Cardiff", 51.481, -3.179, 36, "CF"), T("Swansea", 51.621, -3.944, 24, "SA"),
        T("Bridgend", 51.504, -3.576, 5, "CF"), T("Barry", 51.399, -3.285, 5, "CF"),
        T("Neath", 51.663, -3.806, 5, "SA"), T("Merthyr Tydfil", 51.749, -3.378, 4, "CF"),
        T("Port Talbot", 51.592, -3.780, 4, "SA"), T("Pontypridd", 51.602, -3.342, 3, "CF"),
    ), (P("Cardiff", 51.478, -3.168), P("Swansea", 51.617, -3.952), P("Parc", 51.525, -3.561))),
    Force("gwent", "Gwent", "wales", (
        T("Newport", 51.584, -2.998, 15, "NP"), T("Cwmbran", 51.654, -3.021, 5, "NP"),
        T("Pontypool", 51.701, -3.041, 3, "NP"), T("Ebbw Vale", 51.777, -3.210, 2, "NP"),
    ), (P("Usk", 51.704, -2.905),)),
    Force("north_wales", "North Wales", "wales", (
        T("Wrexham", 53.046, -2.993, 6, "LL"), T("Rhyl", 53.319, -3.491, 3, "LL"),
        T("Colwyn Bay", 53.295, -3.727, 3, "LL"), T("Bangor", 53.227, -4.129, 2, "LL"),
        T("Llandudno", 53.325, -3.828, 2, "LL"), T("Mold", 53.167, -3.141, 1, "CH"),
    ), (P("Berwyn", 53.036, -2.937),)),
    Force("dyfed_powys", "Dyfed-Powys", "wales", (
        T("Llanelli", 51.681, -4.161, 4, "SA"), T("Carmarthen", 51.857, -4.312, 2, "SA"),
        T("Aberystwyth", 52.415, -4.083, 2, "SY"), T("Haverfordwest", 51.801, -4.969, 1, "SA"),
        T("Newtown", 52.512, -3.313, 1, "SY"),
    ), ()),
)

# Neighbourhoods used for venue names and addresses in the largest cities.
LOCALITIES: dict[str, tuple[str, ...]] = {
    "Birmingham": ("Handsworth", "Small Heath", "Erdington", "Ladywood", "Sparkhill", "Kings Heath",
                   "Selly Oak", "Aston", "Northfield", "Acocks Green", "Digbeth", "Edgbaston"),
    "Coventry": ("Foleshill", "Hillfields", "Earlsdon", "Tile Hill", "Bell Green"),
    "Manchester": ("Moss Side", "Longsight", "Ancoats", "Hulme", "Wythenshawe", "Cheetham Hill"),
    "Liverpool": ("Toxteth", "Everton", "Anfield", "Walton", "Speke", "Kensington"),
    "Leeds": ("Harehills", "Chapeltown", "Armley", "Beeston", "Headingley", "Seacroft"),
    "Sheffield": ("Attercliffe", "Darnall", "Hillsborough", "Sharrow", "Firth Park"),
    "Bristol": ("Easton", "St Pauls", "Bedminster", "Southmead", "Knowle", "Filton"),
    "Leicester": ("Belgrave", "Highfields", "Braunstone", "Evington", "Beaumont Leys"),
    "Nottingham": ("Sneinton", "Radford", "Bulwell", "Clifton", "St Ann's"),
    "Bradford": ("Manningham", "Girlington", "Bowling", "Idle", "Little Horton"),
}

STREETS: tuple[str, ...] = (
    "High Street", "Station Road", "Church Lane", "Albert Street", "Victoria Road", "Market Row",
    "Park Road", "Mill Lane", "Queen Street", "King Street", "Meadow Road", "Green Lane",
    "Chapel Street", "Hill Lane", "New Road", "Bridge Street", "Castle Street", "Union Street",
    "Grove Road", "School Lane", "Springfield Road", "Windsor Road", "Albion Street", "Canal Side",
)
