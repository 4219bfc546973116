"""Texts of the h-checks fixes: the minerals figures that say what they are (the nearest
deposit with its own distance, the salt lakes apart), the chain-adjacency reach, the site
centre's coordinate system."""

TEXT = {
    # minerals figures
    "col.n_deposits_counted": ("计入的矿产地数（选址内或点位计入半径内）",
                               "Deposits counted (in the site or within the counted radius)"),
    "col.distance_nearest_deposit": ("与最近矿产地距离", "Distance to the nearest deposit"),
    "col.salt_lakes_overlapped": ("选址所在的含矿盐湖", "Mineral salt lakes the site lies in"),
    "col.salt_lake_overlap": ("位于含矿盐湖内面积", "Area inside mineral salt lakes"),
    "col.distance_nearest_mineral": ("与最近矿产地或所在含矿盐湖距离",
                                     "Distance to the nearest deposit or a salt lake the site is in"),
}
