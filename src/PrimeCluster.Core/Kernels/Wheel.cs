using System.Runtime.CompilerServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The numbers coprime to 30, eight in every thirty: the sieve keeps one bit for each, so that 2, 3 and 5 are never
/// struck, and index i stands for 30 (i / 8) + Residues[i % 8]. Every eighth index starts a cycle of thirty: one byte
/// of the sieve, bit j for residue j.
/// </summary>
internal static class Wheel
{
    public const int Cycle = 30;

    /// <summary>The residues mod 30 coprime to 30, in the order their numbers sit in a cycle.</summary>
    public static ReadOnlySpan<byte> Residues => [1, 7, 11, 13, 17, 19, 23, 29];

    /// <summary>For r = 0 .. 29: how many residues coprime to 30 are below r.</summary>
    private static ReadOnlySpan<byte> ResiduesBelow => [0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7];

    /// <summary>For r = 0 .. 29: how many residues coprime to 30 are at most r.</summary>
    private static ReadOnlySpan<byte> ResiduesAtOrBelow => [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 8];

    /// <summary>The number at index i.</summary>
    public static ulong NumberAt(ulong index) => Cycle * (index >> 3) + Residues[(int)(index & 7)];

    /// <summary>The index of the first number coprime to 30 that is at least n.</summary>
    public static ulong IndexAtOrAfter(ulong n) => 8 * (n / Cycle) + ResiduesBelow[(int)(n % Cycle)];

    /// <summary>The index of the last number coprime to 30 that is at most n (n at least 1).</summary>
    public static ulong IndexAtOrBefore(ulong n) => 8 * (n / Cycle) + ResiduesAtOrBelow[(int)(n % Cycle)] - 1;

    /// <summary>The index of n, which is coprime to 30.</summary>
    public static ulong IndexOf(ulong n) => IndexAtOrAfter(n);

    /// <summary>
    /// Where the multiples p k of a prime p &gt; 5 sit, for k coprime to 30: index 8 p m + Offset(p, j) for k = 30 m
    /// + Residues[j]. The offsets rise with j and stay below 8 p, so each cycle of k is one stride of 8 p. With
    /// p = 30 q + c, Offset(p, j) = 8 q Residues[j] + ClassOffsets[8 ClassOf(p) + j].
    /// </summary>
    public static ulong Offset(ulong p, int j) => 8 * (p / Cycle) * Residues[j] + ClassOffsets[(8 * ClassOf(p)) + j];

    /// <summary>The place of p mod 30 among the residues: p's class, which with p / 30 fixes its offsets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ClassOf(ulong p) => ResiduesBelow[(int)(p % Cycle)];

    /// <summary>
    /// For each class, the bit each place j strikes, as byte j: multiplying by p permutes the residues, so a class's
    /// eight strikes of a cycle clear eight different bits.
    /// </summary>
    public static readonly ulong[] ClassMasks = Enumerable.Range(0, 8)
        .Select(c => Enumerable.Range(0, 8).Aggregate(0UL, (masks, j) => masks | ((1UL << (ClassOffsets[(8 * c) + j] & 7)) << (8 * j))))
        .ToArray();

    /// <summary>ClassOffsets[i] / 8: where in its byte, from place 0's byte less q Residues[j], each place strikes.</summary>
    public static readonly byte[] ClassOffsetBytes = Enumerable.Range(0, 64).Select(i => (byte)((ClassOffsets[i] >> 3) - (ClassOffsets[i - (i % 8)] >> 3))).ToArray();

    /// <summary>For each class c and place j, the bit of the byte that place strikes: 1 &lt;&lt; (ClassOffsets[8 c + j] &amp; 7).</summary>
    public static readonly byte[] ClassBits = Enumerable.Range(0, 64).Select(i => (byte)(1 << (ClassOffsets[i] & 7))).ToArray();

    /// <summary>
    /// For each class c and place j, the bytes from the strike of place j to the next, less q (Residues[j + 1] -
    /// Residues[j]) for p = 30 q + c, where place 8 is the next cycle's first, 30 q + c bytes on.
    /// </summary>
    public static readonly byte[] ClassSteps = Enumerable.Range(0, 64)
        .Select(i => (byte)((i % 8 == 7 ? Residues[i / 8] + (ClassOffsets[i - 7] >> 3) : ClassOffsets[i + 1] >> 3) - (ClassOffsets[i] >> 3)))
        .ToArray();

    /// <summary>Residues[j + 1] - Residues[j], the last to the next cycle's first (31).</summary>
    public static ReadOnlySpan<byte> ResidueSteps => [6, 4, 2, 4, 2, 4, 6, 2];

    /// <summary>Offset(c, j) for each residue c (rows) and place j (columns).</summary>
    public static ReadOnlySpan<byte> ClassOffsets =>
    [
        0, 1, 2, 3, 4, 5, 6, 7,
        1, 13, 20, 24, 31, 35, 42, 54,
        2, 20, 32, 38, 49, 55, 67, 85,
        3, 24, 38, 45, 58, 65, 79, 100,
        4, 31, 49, 58, 77, 86, 104, 131,
        5, 35, 55, 65, 86, 96, 116, 146,
        6, 42, 67, 79, 104, 116, 141, 177,
        7, 54, 85, 100, 131, 146, 177, 224,
    ];
}
