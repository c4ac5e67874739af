namespace ReferralNet.Platform.Secrets;

/// <summary>
/// The data folder of the embedded shape holds personal data (the SQLite files) and keys, so it is the owner's alone:
/// the folder 0700, its files 0600 (SQLite gives its -wal and -shm files the database file's mode).
/// </summary>
public static class DataFolder
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> if needed and makes it the owner's alone.</summary>
    public static void Ensure(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, OwnerOnlyFolder);
        File.SetUnixFileMode(directory, OwnerOnlyFolder);
    }

    /// <summary>Creates an empty file (e.g. a database before SQLite opens it) readable by the owner only, or narrows an existing one.</summary>
    public static void EnsurePrivateFile(string path)
    {
        if (!TryCreatePrivate(path, _ => { }) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnlyFile);
        }
    }

    /// <summary>The 32-byte key kept in <paramref name="path"/>, created at random (owner-only) on first use.</summary>
    public static byte[] LoadOrCreateKey(string path)
    {
        TryCreatePrivate(path, stream => stream.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        return File.ReadAllBytes(path);
    }

    /// <summary>
    /// Creates <paramref name="path"/> owner-only and writes it; false when it exists. CreateNew: two processes starting
    /// together must not overwrite each other's file.
    /// </summary>
    private static bool TryCreatePrivate(string path, Action<FileStream> write)
    {
        Ensure(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using var stream = new FileStream(path, options);
            write(stream);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
