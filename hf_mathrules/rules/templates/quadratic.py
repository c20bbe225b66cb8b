"""Templates of ``word_quadratic``, by scenario (at least two phrasings each).  Fields depend on the
scenario and are listed in ``FIELDS``; every scenario is modelled with one unknown ``x``."""

TEMPLATES = {
    "rectangle": (
        "A rectangle is {k} cm longer than it is wide, and its area is {area} square cm. Let x be its "
        "width in cm. Write the equation for x and solve it.",
        "A rectangular garden bed has length equal to its width plus {k} m and an area of {area} square "
        "m. With x the width in m, set up and solve a quadratic equation.",
    ),
    "number": (
        "The square of a number {linear} gives {c}. Find every such number x.",
        "If you take a number x, square it, and {linear_verb}, the result is {c}. What can x be?",
    ),
    "scaled_number": (
        "{A_word} times the square of a number {linear} gives {c}. Find every such number x.",
        "A number x satisfies: {a_word} times its square {linear} equals {c}. Solve for x.",
    ),
    "consecutive": (
        "The product of two consecutive integers is {p}. Let x be the smaller one; find x.",
        "Two whole numbers follow each other on the number line and multiply to {p}. If x is the smaller "
        "number, what are the possible values of x?",
    ),
    "consecutive_even": (
        "The product of two consecutive even integers is {p}. Let x be the smaller one; find x.",
        "Two even numbers that differ by 2 have product {p}. With x the smaller of them, solve for x.",
    ),
    "triangle": (
        "A triangle's height is {k} cm more than its base x, and its area is {area} square cm. Find x.",
        "The base of a triangular sail is x m and its height is x + {k} m. The sail's area is {area} "
        "square m. Set up and solve the equation for x.",
    ),
    "right_triangle": (
        "One leg of a right triangle is {k} cm longer than the other, x, and the hypotenuse is {h} cm. "
        "Use Pythagoras to find x.",
        "A ladder {h} m long leans against a wall; the top is {k} m higher up the wall than the foot is "
        "from the wall. With x the distance of the foot from the wall, find x.",
    ),
    "square_border": (
        "Each side of a square lawn of side x m is lengthened by {k} m, and the new lawn has area {area} "
        "square m. Find x.",
        "A square photo of side x cm gets a frame {k2} cm wide on every side, so the framed picture covers "
        "{area} square cm. Solve for x.",
    ),
    "sum_product": (
        "Two numbers add up to {s} and multiply to {p}. Let x be one of them; find x.",
        "The sum of two numbers is {s} and their product is {p}. What values can one of the numbers, x, take?",
    ),
}

ADMISSIBLE = {
    "rectangle": "a width is positive",
    "triangle": "a length is positive",
    "right_triangle": "a length is positive",
    "square_border": "a side is positive",
}

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
