"""jianghua: raw Chinese political speeches in, a citable static archive out."""

import warnings

# jieba and cpca import pkg_resources, and recent setuptools warns about that on every
# run; the warning is theirs, not the user's, and would break the one-line messages.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
